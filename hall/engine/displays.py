"""What hall displays show and how they speak: the centre's settings, each display's filter."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.engine import text
from hall.engine.counters import find_counter
from hall.engine.errors import Invalid
from hall.engine.tickets import find_field
from hall.models import Centre
from hall.models import Counter
from hall.models import Device

DEFAULTS: dict[str, Any] = {
    "ticker": "",  # scrolling text at the bottom of hall displays
    "voice": "server",  # server (clips or espeak-ng), browser (the display's vi-VN voice) or off
    "call_repeat": 1,  # how many times each call is spoken
    "call_languages": ["vi"],  # ["vi"] or ["vi", "en"]
    "digit_by_digit": False,  # read "A023" as "a, không hai ba" instead of "a, hai mươi ba"
    "show_waiting": True,  # waiting count per field on the hall display
    "flash_s": 8,  # how long the newest call flashes
    "recent": 6,  # how many recent calls are listed
}


def has_tablet(session: Session, counter: Counter) -> bool:
    """Whether a rating tablet (not revoked) belongs to the counter: only then do its
    screens ask citizens to rate the service."""
    return session.scalar(select(Device.id).where(
        Device.kind == "tablet", Device.counter_id == counter.id, Device.revoked_at.is_(None))
        .limit(1)) is not None


def settings(centre: Centre) -> dict[str, Any]:
    """The centre's display settings, defaults filled in."""
    return {**DEFAULTS, **(centre.display_settings or {})}


def set_settings(centre: Centre, values: dict[str, Any]) -> dict[str, Any]:
    """Change some settings (the rest stay as they are)."""
    centre.display_settings = {**settings(centre), **values}
    return settings(centre)


def device_filter(session: Session, device: Device, counters: list[int] | None,
                  fields: list[str] | None) -> None:
    """Which counters and fields a display shows (None: all); each must exist."""
    for number in counters or []:
        find_counter(session, device.centre_id, number)
    for code in fields or []:
        find_field(session, device.centre_id, code)
    device.settings = {"counters": counters, "fields": fields}


def shown(device: Device) -> dict[str, list[Any] | None]:
    stored = device.settings or {}
    return {"counters": stored.get("counters"), "fields": stored.get("fields")}


def door_counter(session: Session, centre: Centre, device: Device, asked: str | None) -> Counter:
    """The counter a door screen shows: ?counter=N if given, else the display's own."""
    if asked:
        chosen = text.ascii_int(asked, 1, 9999)
        if chosen is None:
            raise Invalid("'counter' phải là số quầy từ 1 đến 9999", "invalid_parameters")
        return find_counter(session, centre.id, chosen)
    counter = session.get(Counter, device.counter_id) if device.counter_id else None
    if counter is None:
        raise Invalid("Màn hình cửa quầy cần ?counter=SỐ_QUẦY hoặc thiết bị gắn với một quầy",
                      "invalid_parameters")
    return counter
