"""Time helpers: the clock is passed in; service days are in the centre's zone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from datetime import date
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """The real clock; engine functions take `now` instead of calling this."""
    return datetime.now(UTC)


def app_now(config: Mapping[str, Any]) -> datetime:
    """The time of an app: its CLOCK setting (tests fix it) or the real clock. Every part of
    the web layer stamps with this, so payloads, answers and rows agree."""
    clock = config.get("CLOCK") or utcnow
    moment: datetime = clock()
    return moment


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def service_day(now: datetime, timezone: str) -> date:
    """The calendar day of `now` in the centre's time zone."""
    return now.astimezone(zone(timezone)).date()


def local_iso(moment: datetime | None, timezone: str) -> str | None:
    """ISO 8601 with the centre's offset, or None."""
    if moment is None:
        return None
    return moment.astimezone(zone(timezone)).isoformat(timespec="seconds")
