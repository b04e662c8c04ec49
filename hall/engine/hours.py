"""Opening hours of a centre: per weekday (0 = Monday), sessions "HH:MM"-"HH:MM" local time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hall.engine.clock import zone


def is_open(opening_hours: dict[str, Any] | None, timezone: str, now: datetime) -> bool:
    """True when `now` falls in a session of its weekday; no hours set means always open."""
    if not opening_hours:
        return True
    local = now.astimezone(zone(timezone))
    moment = local.strftime("%H:%M")
    return any(start <= moment < end for start, end in opening_hours.get(str(local.weekday()), []))
