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
    """Where phones reach this server, for the printed QR code: HALL_PUBLIC_URL, else the
    address `hall run` serves on (hall.server.served_url); in tests and debugging the
    request's own address. Otherwise "" and tickets print without a QR code: a request's
    Host header is the client's to choose, so it never decides where a citizen's phone goes."""
    config = current_app.config
    configured = str(config.get("PUBLIC_URL") or config.get("SERVED_URL") or "")
    if configured:
        return configured.rstrip("/")
    if config.get("TESTING") or current_app.debug:
        return request.host_url.rstrip("/")
    if not config.get("hall.warned_public_url"):
        config["hall.warned_public_url"] = True
        current_app.logger.warning("HALL_PUBLIC_URL is not set: tickets print without a QR code")
    return ""


def spreadsheet_text(value: str) -> str:
    """A text cell Excel shows as text: one that starts like a formula (a username, a record
    code, a name typed into a form can be anything) is kept from being evaluated."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
