"""Small helpers shared by the API views."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask import request

from hall.engine.clock import app_now


def now() -> datetime:
    """The request's clock; tests may fix it with the CLOCK setting."""
    return app_now(current_app.config)


def public_url() -> str:
    """Where phones reach this server: HALL_PUBLIC_URL, else the address the client used."""
    configured: str = current_app.config.get("PUBLIC_URL") or ""
    return configured or request.host_url
