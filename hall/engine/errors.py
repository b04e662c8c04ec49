"""The engine's errors: each carries the code, the Vietnamese message and the HTTP status of
docs/api.md's error body (hall.web.errors turns them into answers)."""

from __future__ import annotations


class HallError(Exception):
    """An error a client can act on: a code, a Vietnamese message and an HTTP status."""

    status = 400
    code = "bad_request"
    message = "Yêu cầu không hợp lệ"

    def __init__(self, message: str | None = None, code: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.code = code or self.code


class Invalid(HallError):
    status, code, message = 400, "invalid", "Dữ liệu không hợp lệ"


class Unauthorized(HallError):
    status, code, message = 401, "unauthorized", "Thiếu mã truy cập hoặc mã không hợp lệ"


class Forbidden(HallError):
    status, code, message = 403, "forbidden", "Mã truy cập này không được làm việc này"


class NotFound(HallError):
    status, code, message = 404, "not_found", "Không tìm thấy"


class Conflict(HallError):
    status, code, message = 409, "conflict", "Trạng thái hiện tại không cho phép việc này"


class UnknownField(NotFound):
    code, message = "unknown_field", "Lĩnh vực không tồn tại"


class UnknownCounter(NotFound):
    code, message = "unknown_counter", "Quầy không tồn tại"


class UnknownTicket(NotFound):
    code, message = "unknown_ticket", "Số thứ tự không tồn tại"


class FieldClosed(Conflict):
    code, message = "field_closed", "Lĩnh vực đang tạm ngừng nhận số"


class FieldFull(Conflict):
    code, message = "field_full", "Lĩnh vực đã hết số trong ngày"


class CounterBusy(Conflict):
    code, message = "counter_busy", "Quầy đang do cán bộ khác phụ trách"


class CounterClosed(Conflict):
    code, message = "counter_closed", "Quầy chưa mở"


class CounterPaused(Conflict):
    code, message = "counter_paused", "Quầy đang tạm dừng; hãy tiếp tục trước khi gọi số"


class NothingWaiting(Conflict):
    code, message = "nothing_waiting", "Không có ai đang chờ"


class NoCurrentTicket(Conflict):
    code, message = "no_current_ticket", "Quầy không có số nào đang gọi hoặc phục vụ"


class TicketInProgress(Conflict):
    code, message = "ticket_in_progress", "Quầy còn số đang phục vụ; hãy kết thúc trước"


class WrongState(Conflict):
    code, message = "wrong_state", "Số thứ tự không ở trạng thái cho phép việc này"


class AlreadyRated(Conflict):
    code, message = "already_rated", "Số thứ tự này đã được đánh giá"


class Duplicate(Conflict):
    code, message = "duplicate", "Mã đã tồn tại"


class KeyReused(HallError):
    """An Idempotency-Key sent again with a different request (the IETF draft's 422)."""

    status, code = 422, "idempotency_key_reused"
    message = "Mã Idempotency-Key này đã dùng cho một yêu cầu khác"
