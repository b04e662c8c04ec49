"""Pairing a device page once with ?token=, then a long-lived cookie (kiosk, display, door)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import abort
from flask import make_response
from flask import redirect
from flask import request
from werkzeug.wrappers import Response

from hall.engine import auth
from hall.models import Device
from hall.web.database import get_session

TEN_YEARS_S = 10 * 365 * 86400


def device_for(token: str, kind: str) -> Device | None:
    principal = auth.principal_for(get_session(), token) if token else None
    return principal.device if principal and principal.role == kind else None


def pair(cookie: str, kind: str) -> tuple[Device | None, str, Response | None]:
    """(device, token, None) for a paired page; (None, "", redirect) right after pairing, the
    token moved from the address bar into an HttpOnly cookie; (None, "", None) when unpaired.
    Other query parameters survive the redirect."""
    offered = request.args.get("token")
    if offered is not None:
        if device_for(offered, kind) is None:
            return None, "", None
        rest = {key: value for key, value in request.args.items() if key != "token"}
        query = urlencode(rest)
        response: Any = redirect(request.path + (f"?{query}" if query else ""))
        response.set_cookie(cookie, offered, max_age=TEN_YEARS_S, httponly=True, samesite="Strict",
                            secure=request.is_secure, path=request.path)
        return None, "", response
    token = request.cookies.get(cookie, "")
    device = device_for(token, kind)
    return device, (token if device else ""), None


def require(cookie: str, kind: str, unpaired: Callable[[bool], str]) -> tuple[Device, str]:
    """The paired device and its token; otherwise the view ends here with the redirect that
    stores a fresh pairing, or the page `unpaired(offered_a_bad_token)` (403, else 401)."""
    device, token, redirected = pair(cookie, kind)
    if redirected is not None:
        abort(redirected)
    if device is None:
        offered = "token" in request.args
        abort(make_response(unpaired(offered), 403 if offered else 401))
    return device, token
