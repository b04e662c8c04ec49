"""/admin: admins change, managers read; officers have the console instead."""

from __future__ import annotations

import io
from typing import Any

from flask import Response
from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from hall.engine import text
from hall.messages import N_
from hall.models import Centre
from hall.models import vocabulary
from hall.models.centre import DEFAULT_PRIORITY_CATEGORIES
from hall.web import logins
from hall.web.database import get_session
from office import bp

QR_TEXT_MAX = 500
# The priority groups a kiosk may offer (PATCH /centre priority_categories takes these).
PRIORITY_NAMES = {"elderly": N_("Người cao tuổi"), "pregnant": N_("Phụ nữ mang thai"),
                  "disabled": N_("Người khuyết tật"), "merit": N_("Người có công")}


def _staff(back: str = "/admin") -> Any:
    """The logged-in admin or manager; else the login page, or 403 for an officer."""
    if not current_user.is_authenticated:
        abort(redirect(url_for("counter.login", next=back)))
    user = current_user.user
    if user.role not in ("admin", "manager"):
        abort(403)
    return user


@bp.get("/admin")
def page() -> Any:
    user = _staff()
    centre = get_session().get_one(Centre, user.centre_id)
    config = {
        "csrf": logins.csrf_token(),
        "user": {"username": user.username, "role": user.role, "all_centres": user.all_centres},
        "centre": {"code": centre.code, "name": centre.name},
        "labels": vocabulary.labels_for_pages(),
    }
    choices = [(code, PRIORITY_NAMES.get(code, code)) for code in DEFAULT_PRIORITY_CATEGORIES]
    return render_template("office/admin.html", config=config, centre_name=centre.name,
                           user=user, timezone=centre.timezone, priority_choices=choices)


def _report_page(template: str, back: str) -> Any:
    user = _staff(back)
    centre = get_session().get_one(Centre, user.centre_id)
    config = {
        "csrf": logins.csrf_token(),
        "user": {"username": user.username, "role": user.role},
        "centre": {"code": centre.code, "name": centre.name, "rating_scale": centre.rating_scale},
        "labels": vocabulary.labels_for_pages(),
    }
    return render_template(template, config=config, centre_name=centre.name, user=user,
                           timezone=centre.timezone)


@bp.get("/admin/dashboard")
def dashboard_page() -> Any:
    """The hall now and today's figures, live (managers and admins)."""
    return _report_page("office/dashboard.html", "/admin/dashboard")


@bp.get("/admin/reports")
def reports_page() -> Any:
    """Wait, service and satisfaction over any range, with charts and files to download."""
    return _report_page("office/reports.html", "/admin/reports")


@bp.post("/admin/qr.svg")
def qr() -> Any:
    """A QR code of a pairing link, drawn here so the token never sits in an address."""
    import qrcode
    import qrcode.image.svg

    user = _staff()
    if user.role != "admin" or not text.same_secret(request.headers.get(logins.CSRF_HEADER),
                                                    logins.csrf_token()):
        abort(403)
    data = request.get_json(silent=True) or {}
    value = data.get("text") if isinstance(data, dict) else None
    if not isinstance(value, str) or not 0 < len(value) <= QR_TEXT_MAX or not text.is_clean(value):
        abort(400)
    image = qrcode.make(value, image_factory=qrcode.image.svg.SvgPathImage, box_size=10,
                        border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return Response(buffer.getvalue(), mimetype="image/svg+xml",
                    headers={"Cache-Control": "no-store"})
