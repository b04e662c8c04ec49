"""The hot paths compile their SQL once: the call-next UPDATE from its second run on, and a
third round of a counter's work compiles no statement at all. And a kiosk's printer state,
written after every printed ticket, does not make the process forget its remembered tokens,
fields and counters."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy import select

from hall.engine import counters
from hall.engine import print_jobs
from hall.models import Device
from hall.models import PrintJob
from hall.store import cache
from hall.store.db import session_scope
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import World
from tests.factories import build_world


def _round(client: FlaskClient, world: World, clock: Clock, issues: int) -> None:
    """A counter's ordinary work: issue, read the lines, call, start, finish, recall, no-show,
    transfer; every answer as expected. Each round leaves a different number of tickets, so a
    statement whose text grows with a list (an IN of separate parameters) shows up."""
    kiosk = {"Authorization": f"Bearer {world.tokens['kiosk']}"}
    officer = {"Authorization": f"Bearer {world.tokens['officer1']}"}
    display = {"Authorization": f"Bearer {world.tokens['display']}"}
    cache.forget()  # every round reads the remembered rows afresh, as after their 2 s

    def post(url: str, headers: dict[str, str], body: dict[str, Any] | None = None) -> Any:
        answer = client.post("/api/v1" + url, headers=headers, json=body or {})
        assert answer.status_code in (200, 201), (url, answer.get_json())
        clock.advance(30)
        return answer.get_json()

    issued = [post("/tickets", kiosk, {"field": "HT"}) for _ in range(issues)]
    assert client.get("/api/v1/queue", headers=display).status_code == 200
    assert client.get(f"/api/v1/tickets/{issued[0]['id']}", headers=officer).status_code == 200
    waiting = client.get("/api/v1/counters/1/waiting", headers=officer).get_json()
    called = post("/counters/1/call-next", officer)
    assert called["id"] == waiting[0]["id"]
    assert client.get("/api/v1/queue", headers=display).status_code == 200  # calls so far
    post("/counters/1/recall", officer)
    post("/counters/1/start", officer)
    post("/counters/1/finish", officer)
    post("/counters/1/call-next", officer)
    post("/counters/1/no-show", officer)
    post("/counters/1/call", officer, {"number": issued[2]["number"]})
    post("/counters/1/transfer", officer, {"field": "CT"})
    post("/counters/1/call-next", officer)
    post("/counters/1/finish", officer)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_third_round_compiles_nothing(database: str, request: pytest.FixtureRequest,
                                       clock: Clock) -> None:
    url = request.getfixturevalue("sqlite_url" if database == "sqlite" else "pg_url")
    app = make_app(url, clock)
    try:
        world = build_world(app, clock.now)
        client = app.test_client()
        client.post("/api/v1/counters/1/open",
                    headers={"Authorization": f"Bearer {world.tokens['officer1']}"})
        engine = app.extensions["hall.engine"]
        _round(client, world, clock, 4)
        _round(client, world, clock, 5)  # now the lines also hold tickets served before
        compiled: list[str] = []
        requests = threading.get_ident()  # not the coalesced queue.changed, whose timing varies

        def executed(_conn: Any, _cursor: Any, statement: str, _params: Any, context: Any,
                     _many: bool) -> None:
            print("CH", context.cache_hit, statement[:30].replace("\n", " "))
            if (threading.get_ident() == requests and context.compiled is not None
                    and context.cache_hit != context.dialect.CACHE_HIT):
                compiled.append(statement)

        event.listen(engine, "after_cursor_execute", executed)
        try:
            _round(client, world, clock, 6)
        finally:
            event.remove(engine, "after_cursor_execute", executed)
        assert not compiled, "compiled again in the third round:\n" + "\n".join(compiled)
    finally:
        app.extensions["hall.engine"].dispose()


def test_printer_state_keeps_remembered_rows(app: Flask, world: World, clock: Clock) -> None:
    kiosk = {"Authorization": f"Bearer {world.tokens['kiosk']}"}
    with session_scope(app, writing=True) as session:  # a kiosk with a printer of its own
        session.scalars(select(Device).where(Device.kind == "kiosk")).one().printer = "agent"
        session.commit()
    client = app.test_client()
    assert client.post("/api/v1/tickets", headers=kiosk, json={"field": "HT"}).status_code == 201
    generation = cache.generation()
    with session_scope(app, writing=True) as session:
        job = session.scalars(select(PrintJob)).one()
        device_id = job.device_id
        print_jobs.finish_job(session, job, clock.now, None, "online")
        session.commit()
    assert cache.generation() == generation
    with session_scope(app) as session:
        assert session.get_one(Device, device_id).printer_state == "online"
    with session_scope(app, writing=True) as session:  # any other change still forgets
        session.get_one(Device, device_id).name = "Ki-ốt cửa chính"
        session.commit()
    assert cache.generation() == generation + 1


def test_call_next_statement_compiles_once(app: Flask, world: World, clock: Clock) -> None:
    """The UPDATE that chooses and takes the next ticket is compiled on its first run only
    (built on the mapped class's columns, the same statement object was compiled again on
    its second run, and on every run in a server under load)."""
    engine = app.extensions["hall.engine"]
    take = counters._take_next(1, 1, {1: 0, 2: 1})
    misses: list[Any] = []

    def executed(_conn: Any, _cursor: Any, statement: str, _params: Any, context: Any,
                 _many: bool) -> None:
        if statement.startswith("UPDATE") and context.cache_hit != context.dialect.CACHE_HIT:
            misses.append(context.cache_hit)

    event.listen(engine, "after_cursor_execute", executed)
    try:
        for _ in range(3):
            with session_scope(app, writing=True) as session:
                session.scalars(take, {"now": clock.now, "officer": 1}).all()
                session.rollback()
    finally:
        event.remove(engine, "after_cursor_execute", executed)
    assert len(misses) == 1
