"""Where a person lands without a screen of their own: the start page for staff, the
favicon, the centre's logo for every screen, and error pages in HTML for browsers (the API
keeps its JSON errors)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import Response
from flask import abort
from flask import render_template
from flask import request
from flask import send_from_directory
from sqlalchemy import select

from hall.engine import text
from hall.messages import N_
from hall.models import Centre
from hall.web.database import get_session
from hall.web.i18n import english

# Vietnamese first, English below (from the catalogue), for every status a browser may land on.
STATUS_TEXT = {
    400: N_("Yêu cầu không hợp lệ"),
    401: N_("Cần đăng nhập hoặc ghép thiết bị"),
    403: N_("Không được phép"),
    404: N_("Không tìm thấy trang này"),
    405: N_("Không dùng được cách này"),
    410: N_("Số này không còn hiệu lực"),
    413: N_("Nội dung quá lớn"),
    429: N_("Quá nhiều yêu cầu"),
    500: N_("Hệ thống gặp lỗi"),
    503: N_("Hệ thống đang bận"),
}
ADVICE = {
    404: N_("Hãy kiểm tra lại địa chỉ, hoặc hỏi cán bộ tại quầy hướng dẫn."),
    410: N_("Số thứ tự chỉ dùng trong ngày được cấp. Nếu cần làm thủ tục, mời bạn lấy số mới tại ki-ốt."),
    429: N_("Xin chờ giây lát rồi thử lại."),
    500: N_("Xin thử lại sau giây lát; nếu vẫn lỗi, hãy báo cán bộ quản trị."),
    503: N_("Xin thử lại sau giây lát."),
}


def _both(text: str) -> tuple[str, str]:
    return text, english(text)


def wants_html() -> bool:
    """A browser asking for a page (not the API, not a program asking for JSON)."""
    if request.path.startswith("/api/"):
        return False
    accepted = request.accept_mimetypes
    return accepted.accept_html and accepted["text/html"] >= accepted["application/json"]


def error_page(status: int) -> tuple[str, int]:
    title, title_en = _both(STATUS_TEXT.get(status, STATUS_TEXT[500]))
    lines = [_both(ADVICE[status])] if status in ADVICE else []
    links = [("/", *_both(N_("Trang đầu")))]
    return render_template("hall/page.html", title=title, title_en=title_en, lines=lines,
                           links=links), status


def init_app(app: Flask) -> None:
    @app.get("/")
    def start() -> Any:
        """The start page: where each screen of the hall is opened."""
        links = [
            ("/counter", *_both(N_("Bàn làm việc của quầy (cán bộ)"))),
            ("/admin", *_both(N_("Quản trị (quản trị viên, quản lý)"))),
            ("/admin/reports", *_both(N_("Báo cáo và bảng theo dõi (quản lý)"))),
            ("/display", *_both(N_("Màn hình gọi số của sảnh"))),
            ("/display/door", *_both(N_("Màn hình trên quầy"))),
            ("/kiosk", *_both(N_("Ki-ốt lấy số"))),
            ("/tablet", *_both(N_("Máy tính bảng đánh giá tại quầy"))),
            ("/api/v1/openapi.json", *_both(N_("Tài liệu API (OpenAPI)"))),
        ]
        lines = [_both(N_("Hệ thống xếp hàng và gọi số của bộ phận một cửa.")),
                 _both(N_("Ki-ốt và màn hình được ghép một lần bằng đường dẫn có mã thiết bị do "
                          "quản trị viên cấp."))]
        return render_template("hall/page.html", title="hall", title_en="", lines=lines,
                               links=links)

    @app.get("/favicon.ico")
    def favicon() -> Any:
        return send_from_directory(app.static_folder or "static", "favicon.svg",
                                   mimetype="image/svg+xml", max_age=86400)

    @app.get("/logo/<code>.png")
    def logo(code: str) -> Any:
        """The centre's logo (hall.engine.admin.logo_url), public like the screens showing it:
        kept for a year at the address of its current version, briefly at any other."""
        found = None
        if len(code) <= 32 and text.is_clean(code):
            found = get_session().execute(select(Centre.logo, Centre.logo_version)
                                          .where(Centre.code == code)).first()
        if found is None or found.logo is None:
            abort(404)
        current = request.args.get("v") == str(found.logo_version)
        answer = Response(found.logo, mimetype="image/png")
        answer.headers["Cache-Control"] = ("public, max-age=31536000, immutable" if current
                                           else "public, max-age=60")
        return answer
