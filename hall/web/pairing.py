"""Pairing a device page once with ?token=, then a long-lived cookie (kiosk, display, door,
tablet).

After pairing, the token lives only in an HttpOnly cookie: the page's HTML and script never
hold it. The page's script names its kind instead (`X-Hall-Device: kiosk` on API calls,
`{device: "kiosk"}` when its live connection opens) and the server takes the token from
that kind's cookie. The cookie is SameSite=Strict and the header is not one a cross-site
form can send, so another site cannot act as the kiosk."""

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
# A page kind's cookie; the same browser may be paired as several (a kiosk PC with a screen).
COOKIES = {"kiosk": "hall_kiosk", "display": "hall_display", "door": "hall_door",
           "tablet": "hall_tablet"}
HEADER = "X-Hall-Device"


def cookie_token(page: object) -> str:
    """The token in the pairing cookie of the page kind a script names ("" if none)."""
    name = COOKIES.get(page) if isinstance(page, str) else None
    return request.cookies.get(name, "") if name else ""


def header_token() -> str:
    """The token of the device page that made this request (its X-Hall-Device header), or ""."""
    return cookie_token(request.headers.get(HEADER))


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
        _remember(response, cookie, offered)
        return None, "", response
    # A device paired before the cookie moved to path "/" may still send its old one, on the
    # page's own path, first (RFC 6265 sends longer paths first): the first that works wins.
    for token in request.cookies.getlist(cookie):
        device = device_for(token, kind)
        if device is not None:
            return device, token, None
    return None, "", None


def _remember(response: Response, cookie: str, token: str) -> None:
    # path "/": the page's API calls and live connection carry it (see the module's note)
    response.set_cookie(cookie, token, max_age=TEN_YEARS_S, httponly=True, samesite="Strict",
                        secure=request.is_secure, path="/")
    if request.path != "/":  # and the copy an earlier version kept on the page's own path goes
        response.delete_cookie(cookie, path=request.path, httponly=True, samesite="Strict",
                               secure=request.is_secure)


def renew(response: Response, cookie: str, token: str) -> Response:
    """Store a paired page's cookie again with the path every device page now uses (a device
    paired before kept it on its page's own path, which the API did not see)."""
    _remember(response, cookie, token)
    return response


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
