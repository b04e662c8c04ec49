"""Every error answered with docs/api.md's body; never a traceback."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import jsonify
from flask import make_response
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from hall.engine.errors import HallError
from hall.messages import N_
from hall.store.db import Busy
from hall.web import pages
from hall.web.i18n import translate


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


_HTTP_CODES = {
    400: ("bad_request", N_("Yêu cầu không hợp lệ")),
    401: ("unauthorized", N_("Thiếu mã truy cập hoặc mã không hợp lệ")),
    403: ("forbidden", N_("Không được phép")),
    404: ("not_found", N_("Không tìm thấy")),
    405: ("method_not_allowed", N_("Phương thức không được hỗ trợ")),
    410: ("gone", N_("Số này không còn hiệu lực")),
    413: ("too_large", N_("Nội dung gửi lên quá lớn")),
    429: ("too_many_requests", N_("Quá nhiều yêu cầu; hãy thử lại sau")),
}


DATABASE_AWAY = N_("Cơ sở dữ liệu tạm thời không trả lời; xin thử lại sau giây lát")


def _database_away(exc: DBAPIError) -> bool:
    """PostgreSQL's operational errors: the server refused or cut the connection (restart,
    failover, too many connections) or rolled the transaction back (a deadlock, a
    serialization failure); the same request may succeed in a moment. SQLite's are not
    here: its busy file is the write gate's `busy`, and anything else is a real fault."""
    return isinstance(exc, OperationalError) and \
        type(exc.orig).__module__.split(".")[0] == "psycopg"


def register(app: Flask) -> None:
    """Answer every error with docs/api.md's body; never leak a traceback."""

    @app.errorhandler(HallError)
    @app.errorhandler(Busy)
    def _hall_error(exc: HallError | Busy) -> Any:
        if pages.wants_html():
            return pages.error_page(exc.status)
        message = exc.msg if isinstance(exc, HallError) else exc.message
        return jsonify(error_body(exc.code, translate(message))), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        if exc.response is not None:  # a view's own answer (a device page's pairing screen)
            return exc.response
        code, message = _HTTP_CODES.get(status, ("error", exc.name))
        if pages.wants_html():
            page, _ = pages.error_page(status)
            response = make_response(page, status)
        else:
            response = jsonify(error_body(code, translate(message)))
        for name, value in exc.get_headers():  # 405's Allow, 429's Retry-After, …
            if name.lower() != "content-type":
                response.headers[name] = value
        return response, status

    @app.errorhandler(DBAPIError)
    def _database_error(exc: DBAPIError) -> Any:
        if exc.connection_invalidated:  # the database went away (a restart): try again
            app.logger.warning("database connection lost: %s", exc.orig)
            return jsonify(error_body(Busy.code, translate(Busy.message))), Busy.status
        if _database_away(exc):  # refused, starting up, shutting down: it will be back
            app.logger.warning("database unavailable: %s", exc.orig)
            body = error_body("database_unavailable", translate(DATABASE_AWAY))
            return jsonify(body), 503, {"Retry-After": "2"}
        return _unexpected(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        app.logger.exception("unexpected error")
        if pages.wants_html():
            return pages.error_page(500)
        return jsonify(error_body("internal", translate(N_("Lỗi hệ thống; xin thử lại")))), 500
