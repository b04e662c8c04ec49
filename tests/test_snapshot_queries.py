"""The hall's snapshot (`GET /api/v1/queue`, the Socket.IO `state` sent on every connect)
costs a fixed number of statements, whatever the number of busy counters and recent calls."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from hall.models import Centre
from hall.read import serialize
from hall.store.db import session_scope
from tests.conftest import Clock
from tests.factories import World
from tests.factories import issue
from tests.factories import post


@contextmanager
def counted(session: Session) -> Iterator[list[str]]:
    """The statements run on this session's connection (not the engine's: the coalesced
    `queue.changed` of the calls runs its own queries in the background meanwhile)."""
    statements: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement[:90].replace("\n", " "))

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", note)


def snapshot_statements(app: Flask, clock: Clock) -> tuple[list[str], dict[str, object]]:
    with session_scope(app) as session:
        centre = session.query(Centre).one()
        with counted(session) as statements:
            state = serialize.queue_json(session, centre, clock.now, public=False)
    return statements, state


def call(client: FlaskClient, world: World, number: int) -> dict[str, object]:
    response = post(client, world, f"officer{number}", f"/counters/{number}/call-next")
    assert response.status_code == 200, response.get_json()
    body: dict[str, object] = response.get_json()
    return body


def test_the_snapshot_takes_the_same_statements_for_one_or_many_calls(
        app: Flask, client: FlaskClient, world: World, clock: Clock) -> None:
    for _ in range(12):
        issue(client, world, "HT")
        issue(client, world, "CT")
    post(client, world, "officer1", "/counters/1/open")
    call(client, world, 1)
    few, state = snapshot_statements(app, clock)
    assert len(state["recent"]) == 1  # type: ignore[arg-type]

    for number in (2, 3):
        post(client, world, f"officer{number}", f"/counters/{number}/open")
    for _ in range(4):  # finished calls leave recent entries; the last ones stay busy
        for number in (1, 2, 3):
            post(client, world, f"officer{number}", f"/counters/{number}/finish")
            ticket = call(client, world, number)
            path = f"/tickets/{ticket['id']}/records"
            assert post(client, world, f"officer{number}", path,
                        {"codes": [f"HS-{ticket['id']}"]}).status_code == 200
    many, state = snapshot_statements(app, clock)
    busy = [c for c in state["counters"] if c["ticket"]]  # type: ignore[union-attr,index]
    assert len(busy) == 3
    assert len(state["recent"]) == 10  # type: ignore[arg-type]
    # the record codes are there, read in bulk
    assert all(c["ticket"]["records"] == [f"HS-{c['ticket']['id']}"] for c in busy)  # type: ignore[index]
    assert len(many) == len(few), "\n".join(["one call:", *few, "three counters:", *many])
    assert len(many) <= 8
