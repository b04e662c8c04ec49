"""Small helpers shared by the API views."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from hall.clock import utcnow


def now() -> datetime:
    """The request's clock; tests may fix it with the CLOCK setting."""
    clock = current_app.config.get("CLOCK") or utcnow
    moment: datetime = clock()
    return moment
