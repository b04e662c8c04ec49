"""Where a person lands without a screen of their own: the start page for staff, the
favicon, and error pages in HTML for browsers (the API keeps its JSON errors)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import render_template
from flask import request
from flask import send_from_directory

# Vietnamese first, English second, for every status a browser may land on.
STATUS_TEXT = {
    400: ("Yêu cầu không hợp lệ", "Bad request"),
    401: ("Cần đăng nhập hoặc ghép thiết bị", "Sign-in or pairing needed"),
    403: ("Không được phép", "Not allowed"),
    404: ("Không tìm thấy trang này", "Page not found"),
    405: ("Không dùng được cách này", "Method not allowed"),
    410: ("Số này không còn hiệu lực", "This ticket is no longer active"),
    413: ("Nội dung quá lớn", "Too large"),
    429: ("Quá nhiều yêu cầu", "Too many requests"),
    500: ("Hệ thống gặp lỗi", "Something went wrong"),
    503: ("Hệ thống đang bận", "The system is busy"),
}
ADVICE = {
    404: ("Hãy kiểm tra lại địa chỉ, hoặc hỏi cán bộ tại quầy hướng dẫn.",
          "Check the address, or ask the staff at the desk."),
    410: ("Số thứ tự chỉ dùng trong ngày được cấp. Nếu cần làm thủ tục, mời bạn lấy số mới "
          "tại ki-ốt.", "A number is valid on the day it was issued. Please take a new "
          "number at the kiosk."),
    429: ("Xin chờ giây lát rồi thử lại.", "Please wait a moment and try again."),
    500: ("Xin thử lại sau giây lát; nếu vẫn lỗi, hãy báo cán bộ quản trị.",
          "Please try again shortly; if it persists, tell the administrator."),
    503: ("Xin thử lại sau giây lát.", "Please try again in a moment."),
}


def wants_html() -> bool:
    """A browser asking for a page (not the API, not a program asking for JSON)."""
    if request.path.startswith("/api/"):
        return False
    accepted = request.accept_mimetypes
    return accepted.accept_html and accepted["text/html"] >= accepted["application/json"]


def error_page(status: int) -> tuple[str, int]:
    title, title_en = STATUS_TEXT.get(status, STATUS_TEXT[500])
    lines = [ADVICE[status]] if status in ADVICE else []
    links = [("/", "Trang đầu", "Start page")]
    return render_template("hall/page.html", title=title, title_en=title_en, lines=lines,
                           links=links), status


def init_app(app: Flask) -> None:
    @app.get("/")
    def start() -> Any:
        """The start page: where each screen of the hall is opened."""
        links = [
            ("/counter", "Bàn làm việc của quầy (cán bộ)", "Counter console (officers)"),
            ("/display", "Màn hình gọi số của sảnh", "Hall display"),
            ("/display/door", "Màn hình trên quầy", "Door screen"),
            ("/kiosk", "Ki-ốt lấy số", "Ticket kiosk"),
            ("/api/v1/openapi.json", "Tài liệu API (OpenAPI)", "API document"),
        ]
        lines = [("Hệ thống xếp hàng và gọi số của bộ phận một cửa.",
                  "Queue and calling system of the public-service centre."),
                 ("Ki-ốt và màn hình được ghép một lần bằng đường dẫn có mã thiết bị do "
                  "quản trị viên cấp.", "Kiosks and screens are paired once with the link "
                  "the administrator gives them.")]
        return render_template("hall/page.html", title="hall", title_en="", lines=lines,
                               links=links)

    @app.get("/favicon.ico")
    def favicon() -> Any:
        return send_from_directory(app.static_folder or "static", "favicon.svg",
                                   mimetype="image/svg+xml", max_age=86400)
