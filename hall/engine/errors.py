"""Domain errors and their mapping to docs/api.md's error body."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import Response
from flask import jsonify
from werkzeug.exceptions import HTTPException


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


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


_HTTP_CODES = {
    400: ("bad_request", "Yêu cầu không hợp lệ"),
    401: ("unauthorized", "Thiếu mã truy cập hoặc mã không hợp lệ"),
    403: ("forbidden", "Không được phép"),
    404: ("not_found", "Không tìm thấy"),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ"),
    413: ("too_large", "Nội dung gửi lên quá lớn"),
    429: ("too_many_requests", "Quá nhiều yêu cầu; hãy thử lại sau"),
}


def register(app: Flask) -> None:
    """Answer every error with docs/api.md's body; never leak a traceback."""

    @app.errorhandler(HallError)
    def _hall_error(exc: HallError) -> tuple[Response, int]:
        return jsonify(error_body(exc.code, exc.message)), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> tuple[Response, int]:
        status = exc.code or 500
        code, message = _HTTP_CODES.get(status, ("error", exc.name))
        return jsonify(error_body(code, message)), status

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[Response, int]:
        app.logger.exception("unexpected error")
        return jsonify(error_body("internal", "Lỗi hệ thống; xin thử lại")), 500
