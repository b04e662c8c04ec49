"""The one way out of a unit of work: commit, then announce what the engine recorded.

Views and background tasks call `commit(session, centre)`; it commits, builds every payload
from the rows as committed (hall.read.serialize), ends the transaction, and only then sends:
Socket.IO messages to their rooms, the coalesced `queue.changed`, print jobs to the print
worker. No transaction is held across a send, and nothing is sent for work rolled back."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import current_app
from sqlalchemy.orm import Session

from hall.engine import counters
from hall.engine import events
from hall.engine import ratings
from hall.engine.clock import app_now
from hall.engine.clock import local_iso
from hall.models import Centre
from hall.models import User
from hall.models.vocabulary import TicketStatus
from hall.read import serialize
from hall.store.db import end
from hall.web import metrics
from hall.web import print_worker
from hall.web import realtime
from hall.web import snapshots
from hall.web import sockets


def commit(session: Session, centre: Centre) -> None:
    """Commit the session's unit of work, then announce every event it recorded."""
    session.commit()
    publish(session, centre, events.take(session))


def publish(session: Session, centre: Centre, happened: list[events.Event]) -> None:
    """Payloads first (reads in the session), then the transaction ends, then the sends."""
    if not happened:
        return
    snapshots.changed(centre.id)
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    now = app_now(app.config)
    sends: list[tuple[str, dict[str, Any], list[str]]] = []
    lean: list[tuple[int | None, dict[str, Any] | None]] = []  # (counter, held update | a call)
    waiting, calls_only, fields_changed, jobs, counts = False, True, False, [], []
    counts_now: list[dict[str, Any]] | None = None
    for item in happened:
        match item:
            case events.Called(ticket, recall):
                at = now if recall else None
                if counts_now is None:  # the waiting counts after this unit of work, once
                    counts_now = serialize.waiting_counts(session, centre)
                for public, rooms in sockets.audiences(centre, ticket):
                    payload = serialize.call_json(session, ticket, centre, now, recall, at, public)
                    if public:
                        payload["fields"] = counts_now
                        rooms = [*rooms, sockets.chosen_room(centre.id, "ticket.called")]
                    sends.append(("ticket.called", payload, rooms))
                lean.append((ticket.counter_id, None))
            case events.Updated(ticket):
                for public, rooms in sockets.audiences(centre, ticket):
                    payload = {"ticket": serialize.ticket_for(session, ticket, centre, now, public)}
                    sends.append(("ticket.updated", payload, rooms))
                    if public and ticket.called_at is not None and ticket.status not in _AT_COUNTER:
                        lean.append((ticket.counter_id, payload))  # it left its counter
            case events.RatingRequested(ticket):
                sends.append(("rating.requested", rating_request(session, centre, ticket),
                              [sockets.tablet_room(ticket.counter_id or 0)]))
            case events.CounterChanged(counter):
                current = counters.current_ticket(session, counter)
                for public, rooms in ((True, [*sockets.to_centre(centre.id, "counter.updated"),
                                              sockets.tablet_room(counter.id)]),
                                      (False, [sockets.counter_room(counter.id)])):
                    payload = {"counter": serialize.counter_json(session, counter, centre, now,
                                                                 current, public)}
                    sends.append(("counter.updated", payload, rooms))
                calls_only = False
            case events.WaitingChanged():
                waiting = True
            case events.FieldsChanged():
                if not fields_changed:  # once per unit of work (an import changes thousands)
                    fields_changed = True
                    sends.append(("fields.changed", {},
                                  sockets.to_centre(centre.id, "fields.changed")))
                waiting, calls_only = True, False
            case events.PrintQueued(job_id):
                jobs.append(job_id)
            case events.Logged(ticket, kind):
                counts.append((ticket.field.code, kind))
                if kind not in _CALL_KINDS:
                    calls_only = False  # an issue, a transfer, a cancel: counts the call did not carry
    end(session)
    for field, kind in counts:
        metrics.ticket_logged(centre.code, field, kind)
    for name, payload, rooms in sends:
        sockets.emit_now(name, payload, rooms)
    for counter_id, update in lean:
        if update is None:
            realtime.called_at(centre.id, counter_id)
        else:
            realtime.left_counter(centre.id, counter_id, update)
    if waiting:
        realtime.queue_changed(app, centre.id, calls_only=calls_only and counts_now is not None)
    for job in jobs:
        print_worker.dispatch(app, job)


_AT_COUNTER = frozenset({TicketStatus.CALLED, TicketStatus.SERVING})
# Log lines of a unit of work whose waiting counts a `ticket.called` carries: the call itself
# and what an officer's call-next does with the counter's previous ticket.
_CALL_KINDS = frozenset({"called", "recalled", "started", "finished", "no_show"})


def rating_request(session: Session, centre: Centre, ticket: Any) -> dict[str, Any]:
    """The payload of `rating.requested` (and a tablet's `state.rating_request`): the public
    ticket, its counter and officer, the centre's scale (`levels`, best first) and `at`, when
    the service ended, by which a tablet leaves alone a request older than a minute."""
    assert ticket.counter is not None
    officer = session.get(User, ticket.officer_id) if ticket.officer_id else None
    return {
        "ticket": serialize.public_ticket_json(ticket, centre),  # a device: the public ticket
        "counter": serialize.counter_brief(ticket.counter),
        "officer": serialize.officer_json(officer),
        "levels": list(ratings.levels(centre)),
        "at": local_iso(ticket.finished_at, centre.timezone),
    }
