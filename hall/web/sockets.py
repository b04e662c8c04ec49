"""The Socket.IO server of the app, the names of its rooms, and the one way to send.
Inbound events are handled in hall.web.realtime; announcements go out from
hall.web.announce, the print worker and the coalesced queue.changed."""

from __future__ import annotations

import logging
from typing import Any

from flask_socketio import SocketIO

from hall.models import Centre
from hall.models import Ticket

socketio = SocketIO()
logger = logging.getLogger(__name__)


def centre_room(centre_id: int) -> str:
    return f"centre:{centre_id}"


def counter_room(counter_id: int) -> str:
    return f"counter:{counter_id}"


def tablet_room(counter_id: int) -> str:
    return f"tablet:{counter_id}"


def ticket_room(ticket: Ticket) -> str:
    # Keyed by tracking token, which a transfer passes on to the new ticket.
    return f"ticket:{ticket.tracking_token}"


def kiosk_room(device_id: int) -> str:
    return f"kiosk:{device_id}"


def agent_room(device_id: int) -> str:
    return f"agent:{device_id}"


def audiences(centre: Centre, ticket: Ticket) -> list[tuple[bool, list[str]]]:
    """Who hears of a ticket, and whether they get the public ticket: the centre's room
    (screens, kiosks, every connection of the centre) and the counter's tablets the public
    one; the ticket's own room (its citizen's tracking page) and the room of the counter
    serving it (its officer) the whole one. A connection is in the centre's room or in a
    counter's, never both for the same ticket, except an officer's, which hears it both ways
    (the console refetches on any event)."""
    public, private = [centre_room(centre.id)], [ticket_room(ticket)]
    if ticket.counter_id is not None:
        public.append(tablet_room(ticket.counter_id))
        private.append(counter_room(ticket.counter_id))
    return [(True, public), (False, private)]


def emit_now(event: str, payload: dict[str, Any], to: str | list[str]) -> None:
    """Send after the commit; a failure (Redis down) is logged, never raised: the change
    is already stored, and every screen resyncs from `state` when it reconnects."""
    try:
        socketio.emit(event, payload, to=to)
    except Exception:
        logger.exception("could not emit %s", event)
