"""The engine records what happened; the announcer sends it only after a commit."""

from __future__ import annotations

import subprocess
import sys

from flask import Flask
from flask.testing import FlaskClient

from hall.engine import counters
from hall.engine import events
from hall.models import Centre
from hall.models import User
from hall.store.db import session_scope
from hall.store.db import write
from tests.conftest import Clock
from tests.factories import World
from tests.factories import issue
from tests.factories import post


def test_use_cases_record_events_and_a_rollback_forgets_them(
        app: Flask, client: FlaskClient, world: World, clock: Clock) -> None:
    issue(client, world, "HT")
    assert post(client, world, "officer1", "/counters/1/open").status_code == 200
    with session_scope(app) as session:
        write(session)
        officer = session.query(User).filter_by(username="officer1").one()
        centre = session.query(Centre).one()
        ticket = counters.call_next(session, centre.id, 1, officer, clock.now)
        assert ticket is not None
        happened = events.take(session)
        # the log line (counted by the metrics), the call, the line's new counts
        assert happened == [events.Logged(ticket, "called"), events.Called(ticket),
                            events.WaitingChanged(centre.id)]
        assert events.take(session) == []  # once each
        counters.finish(session, centre.id, 1, officer, clock.now)
        assert [type(e) for e in session.info["hall.events"]] == [
            events.Logged, events.Updated, events.RatingRequested]
        session.rollback()
        assert events.take(session) == []  # nothing is announced for work undone


def test_the_engine_loads_no_web_framework() -> None:
    code = ("import sys, hall.engine.tickets, hall.engine.counters, hall.read.serialize, "
            "hall.store.db; "
            "loaded = [m for m in sys.modules if m.split('.')[0] in "
            "('flask', 'flask_socketio', 'socketio', 'engineio')]; print(loaded)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_the_vocabulary_is_the_stored_values_and_labels_every_one() -> None:
    """StrEnum members are the very strings the database and the API hold, and each has a
    Vietnamese and an English label for the pages."""
    from sqlalchemy import CheckConstraint

    from hall.models import vocabulary as v
    from hall.models.ticket import Ticket

    check = " ".join(str(c.sqltext) for c in Ticket.__table__.constraints
                     if isinstance(c, CheckConstraint))  # the CHECK lists the statuses
    for status in v.TicketStatus:
        assert f"'{status.value}'" in check
    assert v.TicketStatus.CALLED == "called" and f"{v.TicketStatus.CALLED}" == "called"
    for kind, enum in (("ticket_status", v.TicketStatus), ("citizen_status", v.TicketStatus),
                       ("counter_state", v.CounterState),
                       ("print_status", v.PrintStatus), ("device_kind", v.DeviceKind),
                       ("role", v.Role)):
        labels = v.labels_for_pages()[kind]
        assert set(labels) == {member.value for member in enum}
        assert all(pair["vi"] and pair["en"] for pair in labels.values())
    assert v.label("ticket_status", "no_show") == "Vắng mặt"
    assert v.label("citizen_status", "called", english=True) == "It is your turn!"
