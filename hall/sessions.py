"""Officers' browser sessions (Flask-Login) for the console, and their CSRF token.

The console calls the same REST API as any integrator, authenticated by the session cookie
instead of a bearer token; every such call must carry the session's X-CSRF-Token header, which
a page of another site cannot read or set."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask import Flask
from flask import request
from flask import session as cookie_session
from flask_login import LoginManager
from flask_login import UserMixin
from flask_login import current_user
from sqlalchemy import select

from hall import auth
from hall.db import get_session
from hall.models import Centre
from hall.models import User

login_manager = LoginManager()
login_manager.login_view = "counter.login"
login_manager.login_message = "Hãy đăng nhập để dùng bàn làm việc của quầy"
CSRF_HEADER = "X-CSRF-Token"


class LoggedIn(UserMixin):  # type: ignore[misc]
    """The Flask-Login face of a User row."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.id = str(user.id)


@login_manager.user_loader  # type: ignore[untyped-decorator]
def _load(user_id: str) -> LoggedIn | None:
    if not user_id.isdigit():
        return None
    user = get_session().get(User, int(user_id))
    return LoggedIn(user) if user is not None and user.active else None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)


def csrf_token() -> str:
    """The session's CSRF token, made on first use."""
    token = cookie_session.get("csrf")
    if not isinstance(token, str):
        token = cookie_session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_login(username: str, password: str) -> User | None:
    user = get_session().scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active or not auth.check_password(user, password):
        return None
    return user


def principal(presented: Any) -> auth.Principal | None:
    """The logged-in user, when `presented` is this session's CSRF token; else None."""
    expected = cookie_session.get("csrf")
    if not (isinstance(presented, str) and isinstance(expected, str)
            and hmac.compare_digest(presented, expected)):
        return None
    if not current_user.is_authenticated:
        return None
    user: User = current_user.user
    centre = get_session().get_one(Centre, user.centre_id)
    return auth.Principal(user.role, centre, user=user, via="session")


def request_principal() -> auth.Principal | None:
    """For REST calls without an Authorization header."""
    return principal(request.headers.get(CSRF_HEADER))
