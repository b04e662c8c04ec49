"""The waiting counts per field line that database triggers keep (migration 0005), on SQLite
and PostgreSQL: after issues, calls, cancels, transfers and a direct update, they equal a
count of the tickets, and a new ticket's place in line is read from them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy import update

from hall.models import LineCount
from hall.models import Ticket
from hall.store.db import session_scope
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


def test_numbers_by_block_and_past_three_digits(database: str) -> None:
    """The numbering rule holds on both databases (PostgreSQL formats it inside its one
    statement): a number block up to its end, then field_full; a prefix past 999."""
    from hall.models import Field
    from hall.models import TicketSequence

    app = make_app(database, Clock())
    world = build_world(app, Clock().now)
    with session_scope(app, writing=True) as session:
        session.add(Field(centre_id=1, code="BL", name="Khối số", prefix=None, block_start=1001,
                          block_end=1003, position=9))
        ht = session.scalars(select(Field).where(Field.code == "HT")).one()
        session.add(TicketSequence(field_id=ht.id, service_day=Clock().now.date(), last_value=998))
        session.commit()
    client, kiosk = app.test_client(), world.headers("kiosk")

    def issue(field: str) -> Any:
        return client.post("/api/v1/tickets", json={"field": field}, headers=kiosk)

    assert [issue("BL").get_json()["number"] for _ in range(3)] == ["1001", "1002", "1003"]
    refused = issue("BL")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "field_full"
    assert [issue("HT").get_json()["number"] for _ in range(2)] == ["A999", "A1000"]
    with session_scope(app) as session:
        assert session.query(Ticket).count() == 5  # the refused one left nothing
    app.extensions["hall.engine"].dispose()
