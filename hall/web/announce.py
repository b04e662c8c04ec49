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
from hall.read import serialize
from hall.store.db import end
from hall.web import metrics
from hall.web import print_worker
from hall.web import realtime
from hall.web import sockets


def commit(session: Session, centre: Centre) -> None:
    """Commit the session's unit of work, then announce every event it recorded."""
    session.commit()
    publish(session, centre, events.take(session))


def publish(session: Session, centre: Centre, happened: list[events.Event]) -> None:
    """Payloads first (reads in the session), then the transaction ends, then the sends."""
    if not happened:
        return
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    now = app_now(app.config)
    sends: list[tuple[str, dict[str, Any], list[str]]] = []
    waiting, jobs, counts = False, [], []
    for item in happened:
        match item:
            case events.Called(ticket, recall):
                at = now if recall else None
                for public, rooms in sockets.audiences(centre, ticket):
                    sends.append(("ticket.called", serialize.call_json(
                        session, ticket, centre, now, recall, at, public), rooms))
            case events.Updated(ticket):
                for public, rooms in sockets.audiences(centre, ticket):
                    payload = {"ticket": serialize.ticket_for(session, ticket, centre, now, public)}
                    sends.append(("ticket.updated", payload, rooms))
            case events.RatingRequested(ticket):
                sends.append(("rating.requested", rating_request(session, centre, ticket),
                              [sockets.tablet_room(ticket.counter_id or 0)]))
            case events.CounterChanged(counter):
                current = counters.current_ticket(session, counter)
                for public, rooms in ((True, [sockets.centre_room(centre.id),
                                              sockets.tablet_room(counter.id)]),
                                      (False, [sockets.counter_room(counter.id)])):
                    payload = {"counter": serialize.counter_json(session, counter, centre, now,
                                                                 current, public)}
                    sends.append(("counter.updated", payload, rooms))
            case events.WaitingChanged():
                waiting = True
            case events.FieldsChanged():
                sends.append(("fields.changed", {}, [sockets.centre_room(centre.id)]))
                waiting = True
            case events.PrintQueued(job_id):
                jobs.append(job_id)
            case events.Logged(ticket, kind):
                counts.append((ticket.field.code, kind))
    end(session)
    for field, kind in counts:
        metrics.ticket_logged(centre.code, field, kind)
    for name, payload, rooms in sends:
        sockets.emit_now(name, payload, rooms)
    if waiting:
        realtime.queue_changed(app, centre.id)
    for job in jobs:
        print_worker.dispatch(app, job)


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
