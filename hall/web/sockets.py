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


# The events of a centre's room. A connection that names the ones it uses (`auth.events`)
# joins one room per event instead of the centre's, and gets the lean stream: the waiting
# counts of a call inside `ticket.called` (no `queue.changed` for the call alone, when it
# also takes `ticket.called`), and `ticket.updated` only when a ticket leaves its counter,
# held a few seconds and dropped if a call to that counter replaces it (hall.web.realtime).
CENTRE_EVENTS = frozenset({"ticket.called", "ticket.updated", "queue.changed", "counter.updated",
                           "fields.changed"})
BETWEEN_CALLS = "queue.changed/between-calls"  # queue.changed, less those a call's event carried


def chosen_room(centre_id: int, kind: str) -> str:
    return f"centre:{centre_id}|{kind}"


def centre_rooms(centre_id: int, chosen: frozenset[str] | None) -> list[str]:
    """The rooms of its centre a connection joins: the whole room, or its chosen events'."""
    if chosen is None:
        return [centre_room(centre_id)]
    return sorted(chosen_room(centre_id, BETWEEN_CALLS if event == "queue.changed"
                              and "ticket.called" in chosen else event) for event in chosen)


def to_centre(centre_id: int, event: str, calls_only: bool = False) -> list[str]:
    """Where a centre event goes: the whole room and the room of those who chose it (and,
    for a `queue.changed` not caused by calls alone, those who take calls with counts)."""
    rooms = [centre_room(centre_id), chosen_room(centre_id, event)]
    if event == "queue.changed" and not calls_only:
        rooms.append(chosen_room(centre_id, BETWEEN_CALLS))
    return rooms


def audiences(centre: Centre, ticket: Ticket) -> list[tuple[bool, list[str]]]:
    """Who hears of a ticket, and whether they get the public ticket: the centre's room
    (screens, kiosks, every connection of the centre) and the counter's tablets the public
    one; the ticket's own room (its citizen's tracking page) and the room of the counter
    serving it (its officer) the whole one. A connection is in the centre's room or in a
    counter's, never both for the same ticket, except an officer's, which hears it both ways
    (the console refetches on any event). Lean connections: hall.web.announce."""
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
