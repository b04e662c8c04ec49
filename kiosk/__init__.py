"""The kiosk surface (pages come in their own issue)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("kiosk", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/kiosk")
