"""HTTP views of the kiosk surface; they call the core and render."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask import jsonify
from flask import render_template

from hall import serialize
from hall import tickets
from hall.api.common import now
from hall.db import get_session
from hall.models import Centre
from kiosk import bp


def _tracked(token: str) -> tuple[dict[str, Any], Centre]:
    """The ticket a tracking token stands for, as the API shapes it; 404 otherwise."""
    session = get_session()
    ticket = tickets.by_tracking_token(session, token) if len(token) <= 64 else None
    if ticket is None:
        abort(404)
    centre = session.get_one(Centre, ticket.centre_id)
    return serialize.ticket_json(session, ticket, centre, now()), centre


@bp.get("/t/<token>")
def track(token: str) -> Any:
    """The citizen's phone page for one ticket (the token is the only key)."""
    ticket, centre = _tracked(token)
    return render_template("kiosk/track.html", ticket=ticket, centre_name=centre.name,
                           token=token)


@bp.get("/t/<token>.json")
def track_json(token: str) -> Any:
    ticket, _ = _tracked(token)
    return jsonify(ticket)
