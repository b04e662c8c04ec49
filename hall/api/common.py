"""Small helpers shared by the API views."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask import request

from hall.engine.clock import utcnow


def now() -> datetime:
    """The request's clock; tests may fix it with the CLOCK setting."""
    clock = current_app.config.get("CLOCK") or utcnow
    moment: datetime = clock()
    return moment


def public_url() -> str:
    """Where phones reach this server: HALL_PUBLIC_URL, else the address the client used."""
    configured: str = current_app.config.get("PUBLIC_URL") or ""
    return configured or request.host_url
