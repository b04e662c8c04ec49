"""Officers' browser sessions (Flask-Login) for the console, and their CSRF token.

The console calls the same REST API as any integrator, authenticated by the session cookie
instead of a bearer token; every such call must carry the session's X-CSRF-Token header, which
a page of another site cannot read or set."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask
from flask import current_app
from flask import request
from flask import session as cookie_session
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager
from flask_login import UserMixin
from flask_login import current_user
from flask_login import login_user
from sqlalchemy import select

from hall.engine import audit
from hall.engine import auth
from hall.engine import text
from hall.engine.clock import app_now
from hall.models import Centre
from hall.models import User
from hall.store import db
from hall.web.database import get_session

login_manager = LoginManager()
login_manager.login_view = "counter.login"
login_manager.login_message = "Hãy đăng nhập để dùng bàn làm việc của quầy"
CSRF_HEADER = "X-CSRF-Token"


class LoggedIn(UserMixin):  # type: ignore[misc]
    """The Flask-Login face of a User row."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.id = str(user.id)


EPOCH = "epoch"


@login_manager.user_loader  # type: ignore[untyped-decorator]
def _load(user_id: str) -> LoggedIn | None:
    """The session's user, while the user is active and the session's epoch is the user's:
    a logout (or a password reset) moves the epoch on and ends every copy of the cookie."""
    number = text.ascii_int(user_id, 1, 2**31 - 1)
    if number is None:
        return None
    user = get_session().get(User, number)
    if user is None or not user.active or cookie_session.get(EPOCH) != user.session_epoch:
        return None
    return LoggedIn(user)


def start(user: User) -> None:
    """Log `user` in: a new session (and CSRF token) bound to the user's current epoch."""
    cookie_session.clear()
    cookie_session[EPOCH] = user.session_epoch
    login_user(LoggedIn(user), remember=False)


def note(user: User | None, action: str, username: str = "") -> None:
    """Write a login, logout or failed login to the audit log, and commit. A failed login
    goes to the centre of the username tried, or to the first centre for an unknown one."""
    session = db.write(get_session())
    clean = text.is_clean(username)  # PostgreSQL refuses NUL: a control character is shown
    if not clean:                    # escaped and never reaches a query
        username = repr(username)
    elif user is None:
        user = session.scalar(select(User).where(User.username == text.tidy(username)))
    centre_id = user.centre_id if user is not None else session.scalar(
        select(Centre.id).order_by(Centre.id).limit(1))
    if centre_id is None:
        return
    audit.record(session, audit.Entry(
        centre_id=centre_id, at=app_now(current_app.config), action=action,
        user_id=user.id if user is not None else None,
        username=user.username if user is not None else username[:64],
        address=request.remote_addr or ""))
    session.commit()


def end_everywhere(user: User) -> None:
    """End every browser session of `user` (the caller commits)."""
    db.write(get_session())
    user.session_epoch += 1


class _CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer made once per app instead of on every
    request (it was a tenth of an API call's time); a call with a bearer token has no cookie
    session at all (other Authorization schemes, such as a proxy's basic auth, keep it)."""

    def open_session(self, app: Flask, request: Any) -> Any:
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            return self.null_session_class()
        return super().open_session(app, request)

    def get_signing_serializer(self, app: Flask) -> Any:
        signer = app.extensions.get("hall.session_signer")
        if signer is None:
            signer = app.extensions["hall.session_signer"] = super().get_signing_serializer(app)
        return signer


def init_app(app: Flask) -> None:
    app.session_interface = _CookieSessions()
    login_manager.init_app(app)


def csrf_token() -> str:
    """The session's CSRF token, made on first use."""
    token = cookie_session.get("csrf")
    if not isinstance(token, str):
        token = cookie_session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_login(username: str, password: str) -> User | None:
    """The active user with this username and password, else None. A wrong username costs
    the same password hash as a wrong password, so the time taken does not tell which."""
    # No username or password holds a control character (the API refuses them); PostgreSQL
    # refuses NUL in a query, and HMAC-based hashes match a password with NULs appended.
    if not (text.is_clean(username) and text.is_clean(password)):
        auth.check_password_against(None, password)
        return None
    user = get_session().scalar(select(User).where(User.username == username.strip()))
    known = user if user is not None and user.active else None
    if not auth.check_password_against(known, password):
        return None
    return known


def principal(presented: Any) -> auth.Principal | None:
    """The logged-in user, when `presented` is this session's CSRF token; else None."""
    expected = cookie_session.get("csrf")
    if not text.same_secret(presented, expected):
        return None
    if not current_user.is_authenticated:
        return None
    user: User = current_user.user
    centre = get_session().get_one(Centre, user.centre_id)
    return auth.Principal(user.role, centre, user=user, via="session")


def request_principal() -> auth.Principal | None:
    """For REST calls without an Authorization header."""
    return principal(request.headers.get(CSRF_HEADER))
