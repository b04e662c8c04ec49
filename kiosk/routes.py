"""HTTP views of the kiosk surface; they call the core and render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Response
from flask import abort
from flask import jsonify
from flask import make_response
from flask import render_template
from flask import request

from hall.api.common import now
from hall.api.common import public_url
from hall.engine import admin
from hall.engine import print_jobs
from hall.engine import procedures
from hall.engine import ratings
from hall.engine import text
from hall.engine import tickets
from hall.engine.clock import service_day
from hall.models import Centre
from hall.models import Device
from hall.models import vocabulary
from hall.read import serialize
from hall.web import pairing
from hall.web.database import get_session
from kiosk import bp


def _tracked(token: str) -> tuple[dict[str, Any], Centre]:
    """The ticket a tracking token stands for, as the API shapes it; 404 for no such ticket,
    410 for a ticket of an earlier day."""
    session = get_session()
    ticket = tickets.by_tracking_token(session, token) if text.is_tracking_token(token) else None
    if ticket is None:
        abort(404)
    centre = session.get_one(Centre, ticket.centre_id)
    moment = now()
    if ticket.service_day != service_day(moment, centre.timezone):
        abort(410)  # yesterday's ticket: "no longer active", not the old number's state
    return serialize.ticket_json(session, ticket, centre, moment), centre


@bp.get("/t/<token>")
def track(token: str) -> Any:
    """The citizen's phone page for one ticket (the token is the only key)."""
    ticket, centre = _tracked(token)
    # the rating the phone offers once the service is done, unless it was given already
    rating = {**ratings.page_config(centre),
              "rated": ticket["status"] == "done" and ratings.is_rated(get_session(), ticket["id"])}
    return render_template("kiosk/track.html", ticket=ticket, centre_name=centre.name,
                           logo_url=admin.logo_url(centre), timezone=centre.timezone, token=token,
                           labels=vocabulary.labels_for_pages(), rating=rating)


@bp.get("/t/<token>.json")
def track_json(token: str) -> Any:
    ticket, _ = _tracked(token)
    return jsonify(ticket)


def _qr_svg(text: str) -> bytes:
    """`text` as a QR code in SVG (paths only: no inline style, nothing the CSP refuses)."""
    import io

    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


@bp.get("/t/<token>/qr.svg")
def track_qr(token: str) -> Any:
    """The tracking URL as a QR code, for the kiosk's confirmation screen."""
    _tracked(token)
    base = public_url() or request.host_url.rstrip("/")  # the kiosk's own screen
    return Response(_qr_svg(base + f"/t/{token}"), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=86400"})


PAIRING_COOKIE = pairing.COOKIES["kiosk"]


@bp.get("/kiosk")
def kiosk_page() -> Any:
    """Pair once with ?token=, then the cookie keeps the kiosk paired across reboots."""
    device, token = pairing.require(
        PAIRING_COOKIE, "kiosk", lambda offered: render_template("kiosk/pair.html", error=offered))
    centre = get_session().get_one(Centre, device.centre_id)
    page = make_response(render_template(
        "kiosk/kiosk.html", centre_name=centre.name, logo_url=admin.logo_url(centre),
        timezone=centre.timezone,
        categories=[(key, print_jobs.PRIORITY_LABELS.get(key, key),
                     print_jobs.PRIORITY_LABELS_EN.get(key, key))
                    for key in centre.priority_categories]))
    return pairing.renew(page, PAIRING_COOKIE, token)


def _paired_kiosk() -> Device:
    """The kiosk whose pairing cookie came with the request; 401 for any other caller."""
    for token in request.cookies.getlist(PAIRING_COOKIE):
        device = pairing.device_for(token, "kiosk")
        if device is not None:
            return device
    abort(401)


def _is_web_address(url: str | None) -> bool:
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


@bp.get("/kiosk/procedures/<int:procedure_id>/qr.svg")
def procedure_qr(procedure_id: int) -> Any:
    """The online portal of a procedure as a QR code, for the kiosk's procedure screen: only
    for the paired kiosk, a shown procedure of its own centre that can be done online at a web
    address (any other is 404, as if it did not exist)."""
    device = _paired_kiosk()
    session = get_session()
    centre = session.get_one(Centre, device.centre_id)
    try:
        procedure = procedures.get(session, centre, procedure_id)
    except procedures.UnknownProcedure:
        abort(404)
    if procedure.online == "none" or not _is_web_address(procedure.portal_url):
        abort(404)
    answer = Response(_qr_svg(str(procedure.portal_url)), mimetype="image/svg+xml",
                      headers={"Cache-Control": "private, no-cache"})
    answer.add_etag()  # asked again each time, answered 304 until the address changes
    return answer.make_conditional(request)
