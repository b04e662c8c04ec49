"""The domain's words, once: the values stored in the database (so no migration follows
from this module) and their labels in Vietnamese and English, which every page receives in
its config instead of keeping its own dictionary."""

from __future__ import annotations

from enum import StrEnum


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"


class CounterState(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


class PrintStatus(StrEnum):
    PENDING = "pending"
    PRINTED = "printed"
    FAILED = "failed"
    ABANDONED = "abandoned"


class DeviceKind(StrEnum):
    KIOSK = "kiosk"
    DISPLAY = "display"
    TABLET = "tablet"


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    OFFICER = "officer"


# A ticket at a counter: called to it, or being served there.
ACTIVE = (TicketStatus.CALLED, TicketStatus.SERVING)

# (Vietnamese, English) for every value a page or a printed ticket shows.
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    # as the officer's console and the API's messages say it
    "ticket_status": {
        TicketStatus.WAITING: ("Đang chờ", "Waiting"),
        TicketStatus.CALLED: ("Đã gọi, chờ công dân đến", "Called, the citizen is on the way"),
        TicketStatus.SERVING: ("Đang phục vụ", "Being served"),
        TicketStatus.DONE: ("Đã xong", "Done"),
        TicketStatus.NO_SHOW: ("Vắng mặt", "Did not come"),
        TicketStatus.TRANSFERRED: ("Đã chuyển", "Transferred"),
        TicketStatus.CANCELLED: ("Đã hủy", "Cancelled"),
    },
    # as the citizen's phone says it
    "citizen_status": {
        TicketStatus.WAITING: ("Đang chờ", "Waiting"),
        TicketStatus.CALLED: ("Đến lượt bạn!", "It is your turn!"),
        TicketStatus.SERVING: ("Đang được phục vụ", "Being served"),
        TicketStatus.DONE: ("Đã phục vụ xong", "Served"),
        TicketStatus.NO_SHOW: ("Đã gọi nhưng bạn không có mặt", "Called, not present"),
        TicketStatus.TRANSFERRED: ("Đã chuyển", "Transferred"),
        TicketStatus.CANCELLED: ("Đã hủy", "Cancelled"),
    },
    "counter_state": {
        CounterState.OPEN: ("đang mở", "open"),
        CounterState.PAUSED: ("tạm dừng", "paused"),
        CounterState.CLOSED: ("đóng", "closed"),
    },
    "print_status": {
        PrintStatus.PENDING: ("đang in", "printing"),
        PrintStatus.PRINTED: ("đã in", "printed"),
        PrintStatus.FAILED: ("in lỗi", "failed"),
        PrintStatus.ABANDONED: ("không in được", "given up"),
    },
    "device_kind": {
        DeviceKind.KIOSK: ("ki-ốt", "kiosk"),
        DeviceKind.DISPLAY: ("màn hình", "display"),
        DeviceKind.TABLET: ("máy tính bảng đánh giá", "rating tablet"),
    },
    "role": {
        Role.ADMIN: ("quản trị", "administrator"),
        Role.MANAGER: ("lãnh đạo", "manager"),
        Role.OFFICER: ("cán bộ", "officer"),
    },
}


def label(kind: str, value: str, english: bool = False) -> str:
    """The label of a stored value (the value itself if it has none)."""
    pair = LABELS.get(kind, {}).get(value)
    return (pair[1] if english else pair[0]) if pair else value


def labels_for_pages() -> dict[str, dict[str, dict[str, str]]]:
    """The labels as the pages' config carries them: {kind: {value: {"vi": …, "en": …}}}."""
    return {kind: {str(value): {"vi": vi, "en": en} for value, (vi, en) in values.items()}
            for kind, values in LABELS.items()}
