"""The engine's errors: each carries the code, the message and the HTTP status of
docs/api.md's error body (hall.web.errors turns them into answers).

Messages are written in Vietnamese, the product's own language, and are the keys of the
English catalogue (hall/translations): a message with values is a `Msg`, a template with
`%(name)s` places, so the web layer can translate the template and then fill it in.
"""

from __future__ import annotations

from typing import Any

from hall.messages import N_
from hall.messages import Msg


class HallError(Exception):
    """An error a client can act on: a code, a message (Vietnamese, translated where it is
    answered) and an HTTP status. `raise Invalid("… %(n)s …", "code", n=3)`."""

    status = 400
    code = "bad_request"
    message = N_("Yêu cầu không hợp lệ")

    def __init__(self, message: str | Msg | None = None, code: str | None = None, **params: Any) -> None:
        chosen = message if message is not None else self.message
        self.msg = chosen if isinstance(chosen, Msg) else Msg(chosen, **params)
        super().__init__(str(self.msg))
        self.message = str(self.msg)
        self.code = code or self.code


class Invalid(HallError):
    status, code, message = 400, "invalid", N_("Dữ liệu không hợp lệ")


class Unauthorized(HallError):
    status, code, message = 401, "unauthorized", N_("Thiếu mã truy cập hoặc mã không hợp lệ")


class Forbidden(HallError):
    status, code, message = 403, "forbidden", N_("Mã truy cập này không được làm việc này")


class NotFound(HallError):
    status, code, message = 404, "not_found", N_("Không tìm thấy")


class Conflict(HallError):
    status, code, message = 409, "conflict", N_("Trạng thái hiện tại không cho phép việc này")


class UnknownField(NotFound):
    code, message = "unknown_field", N_("Lĩnh vực không tồn tại")


class UnknownCounter(NotFound):
    code, message = "unknown_counter", N_("Quầy không tồn tại")


class UnknownTicket(NotFound):
    code, message = "unknown_ticket", N_("Số thứ tự không tồn tại")


class FieldClosed(Conflict):
    code, message = "field_closed", N_("Lĩnh vực đang tạm ngừng nhận số")


class FieldFull(Conflict):
    code, message = "field_full", N_("Lĩnh vực đã hết số trong ngày")


class CounterBusy(Conflict):
    code, message = "counter_busy", N_("Quầy đang do cán bộ khác phụ trách")


class CounterClosed(Conflict):
    code, message = "counter_closed", N_("Quầy chưa mở")


class CounterPaused(Conflict):
    code, message = "counter_paused", N_("Quầy đang tạm dừng; hãy tiếp tục trước khi gọi số")


class NothingWaiting(Conflict):
    code, message = "nothing_waiting", N_("Không có ai đang chờ")


class NoCurrentTicket(Conflict):
    code, message = "no_current_ticket", N_("Quầy không có số nào đang gọi hoặc phục vụ")


class TicketInProgress(Conflict):
    code, message = "ticket_in_progress", N_("Quầy còn số đang phục vụ; hãy kết thúc trước")


class WrongState(Conflict):
    code, message = "wrong_state", N_("Số thứ tự không ở trạng thái cho phép việc này")


class AlreadyRated(Conflict):
    code, message = "already_rated", N_("Số thứ tự này đã được đánh giá")


class Duplicate(Conflict):
    code, message = "duplicate", N_("Mã đã tồn tại")


class KeyReused(HallError):
    """An Idempotency-Key sent again with a different request (the IETF draft's 422)."""

    status, code = 422, "idempotency_key_reused"
    message = N_("Mã Idempotency-Key này đã dùng cho một yêu cầu khác")
