"""The officer console (log in with username and password, then work a counter) and the
counter's rating tablet."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import abort
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import session as cookie_session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from flask_login import logout_user
from werkzeug.exceptions import TooManyRequests

from counter import bp
from hall.engine import ratings
from hall.engine import text
from hall.models import Centre
from hall.models import Counter
from hall.models import Field
from hall.models import vocabulary
from hall.read import serialize
from hall.web import limits
from hall.web import logins
from hall.web import pairing
from hall.web.database import get_session


def _form_csrf_ok() -> bool:
    return text.same_secret(request.form.get("csrf", ""), logins.csrf_token())


@bp.route("/counter/login", methods=["GET", "POST"])
def login() -> Any:
    error = None
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "")[:64]
        if not _form_csrf_ok():  # before any password hash: a forged form costs nothing
            error = _("Phiên đăng nhập đã hết hạn, hãy thử lại")
        elif (wait := _login_limited(username)) is not None:
            page = render_template("counter/login.html", csrf=logins.csrf_token(),
                                   error=_("Đăng nhập sai quá nhiều lần; hãy thử lại sau %(n)s giây", n=wait),
                                   username=username if text.is_clean(username) else "")
            return page, 429, {"Retry-After": str(wait)}
        elif (user := logins.check_login(username, request.form.get("password", "")[:256])) is None:
            error = _("Sai tên đăng nhập hoặc mật khẩu")
            logins.note(None, "login_failed", username)
        else:
            logins.note(user, "login")
            logins.start(user)
            target = request.args.get("next", "")
            # Only a path on this site: never an open redirect.
            if not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
                target = url_for("counter.console")
            return redirect(target)
    status = 401 if error else 200
    return render_template("counter/login.html", error=error, csrf=logins.csrf_token(),
                           username=username if text.is_clean(username) else ""), status


def _login_limited(username: str) -> int | None:
    """Seconds to wait when this username or this address tried too often, else None."""
    try:
        limits.check("login_user", text.tidy(username).lower())
        limits.check("login_address", request.remote_addr or "")
    except TooManyRequests as exc:
        return int(exc.retry_after or 60)  # type: ignore[arg-type]
    return None


@bp.post("/counter/logout")
def logout() -> Any:
    if _form_csrf_ok():
        if current_user.is_authenticated:  # every copy of this session ends, not just ours
            logins.end_everywhere(current_user.user)
            logins.note(current_user.user, "logout")
        logout_user()
        cookie_session.clear()
    return redirect(url_for("counter.login"))


@bp.get("/counter")
@login_required  # type: ignore[untyped-decorator]
def console() -> Any:
    user = current_user.user
    session = get_session()
    centre = session.get_one(Centre, user.centre_id)
    fields = session.query(Field).filter_by(centre_id=centre.id).order_by(Field.position).all()
    config = {
        "csrf": logins.csrf_token(),
        "user": {"username": user.username, "full_name": user.full_name, "role": user.role},
        "centre": {"code": centre.code, "name": centre.name},
        "fields": [{"code": f.code, "name": f.name} for f in fields],
        "labels": vocabulary.labels_for_pages(),
    }
    return render_template("counter/console.html", config=config, centre_name=centre.name,
                           timezone=centre.timezone, user=user)


TABLET_COOKIE = pairing.COOKIES["tablet"]


@bp.get("/tablet")
def tablet() -> Any:
    """The counter's rating tablet: paired once with ?token= (a tablet device token, which
    names its counter), then the cookie keeps it paired; it asks on `rating.requested`."""
    device, token = pairing.require(
        TABLET_COOKIE, "tablet",
        lambda offered: render_template("counter/tablet.html", paired=False, error=offered))
    session = get_session()
    centre = session.get_one(Centre, device.centre_id)
    if device.counter_id is None:  # POST /devices refuses a tablet without its counter
        abort(404)
    counter = session.get_one(Counter, device.counter_id)
    config = {
        "counter": {**serialize.counter_brief(counter), "state": counter.state,
                    "officer": serialize.officer_json(counter.officer)},
        **ratings.page_config(centre),
        "fresh_s": ratings.REQUEST_FRESH_S,
    }
    page = make_response(render_template("counter/tablet.html", paired=True, config=config,
                                         centre_name=centre.name, timezone=centre.timezone))
    return pairing.renew(page, TABLET_COOKIE, token)
