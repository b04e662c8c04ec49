"""The waiting counts per field line that database triggers keep (migration 0005), on SQLite
and PostgreSQL: after issues, calls, cancels, transfers and a direct update, they equal a
count of the tickets, and a new ticket's place in line is read from them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy import update

from hall.db import session_scope
from hall.models import LineCount
from hall.models import Ticket
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import build_world


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: Any, sqlite_url: str) -> str:
    return request.getfixturevalue("pg_url") if request.param == "postgresql" else sqlite_url


def counted(app: Any) -> tuple[dict[int, tuple[int, int]], dict[int, tuple[int, int]]]:
    """(what the triggers keep, what the tickets say), per field id."""
    with session_scope(app) as session:
        kept = {row.field_id: (row.normal, row.priority)
                for row in session.scalars(select(LineCount)) if row.normal or row.priority}
        real: dict[int, tuple[int, int]] = {}
        for ticket in session.scalars(select(Ticket)).unique():
            if ticket.status == "waiting" and ticket.target_counter_id is None:
                normal, priority = real.get(ticket.field_id, (0, 0))
                real[ticket.field_id] = (normal + (not ticket.priority), priority + ticket.priority)
    return kept, real


def test_counts_follow_every_change(database: str) -> None:
    app = make_app(database, Clock())
    world = build_world(app, Clock().now)
    client, kiosk, officer = app.test_client(), world.headers("kiosk"), world.headers("officer1")
    issued = [client.post("/api/v1/tickets", json={"field": field, "priority": priority},
                          headers=kiosk).get_json()
              for field, priority in [("HT", False)] * 5 + [("HT", True)] * 2 + [("CT", False)] * 3]
    # place at issue: every waiting normal or priority one before a normal ticket
    assert [t["waiting_ahead"] for t in issued[:5]] == [0, 1, 2, 3, 4]
    assert [t["waiting_ahead"] for t in issued[5:7]] == [0, 1]  # priority: only priority ones
    client.post("/api/v1/counters/1/open", headers=officer)
    for _ in range(2):
        assert client.post("/api/v1/counters/1/call-next", headers=officer).status_code == 200
        client.post("/api/v1/counters/1/finish", headers=officer)
    client.post(f"/api/v1/tickets/{issued[0]['id']}/cancel", headers=officer)
    client.post("/api/v1/counters/1/call-next", headers=officer)
    assert client.post("/api/v1/counters/1/transfer", json={"field": "CT"},
                       headers=officer).status_code == 200
    client.post("/api/v1/counters/1/call-next", headers=officer)
    assert client.post("/api/v1/counters/1/transfer", json={"counter": 2},
                       headers=officer).status_code == 200  # out of every field line
    kept, real = counted(app)
    assert kept == real and sum(n + p for n, p in real.values()) == 6
    with session_scope(app, writing=True) as session:  # a change made outside the engine
        session.execute(update(Ticket).where(Ticket.status == "waiting").values(status="cancelled"))
        session.commit()
    kept, real = counted(app)
    assert kept == real == {}
    fresh = client.post("/api/v1/tickets", json={"field": "HT"}, headers=kiosk).get_json()
    assert fresh["waiting_ahead"] == 0
    app.extensions["hall.engine"].dispose()
