"""Ticket rendering (Pillow) and ESC/POS transport (python-escpos); knows no Flask, no models."""
