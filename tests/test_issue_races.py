"""Two requests that meet on PostgreSQL's row locks: the same Idempotency-Key twice, and a
place in line counted while another kiosk's ticket on the same field commits."""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import func
from sqlalchemy import select

from hall.engine import tickets
from hall.models import Centre
from hall.models import Ticket
from hall.store.db import session_scope
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import build_world


def post_in_thread(client: Any, headers: dict[str, str], answers: list[Any]) -> threading.Thread:
    def post() -> None:
        answers.append(client.post("/api/v1/tickets", json={"field": "HT"}, headers=headers))

    worker = threading.Thread(target=post)
    worker.start()
    time.sleep(0.5)  # it is now waiting on the row lock the open transaction holds
    return worker


def test_the_same_key_at_once_gives_one_ticket(pg_url: str) -> None:
    clock = Clock()
    app = make_app(pg_url, clock)
    world = build_world(app, clock.now)
    kiosk = world.headers("kiosk", **{"Idempotency-Key": "tap-1"})
    answers: list[Any] = []
    with session_scope(app, writing=True) as session:  # the first request, still open
        centre = session.scalars(select(Centre)).one()
        first = tickets.issue(session, centre, "HT", now=clock.now, actor=tickets.Actor(),
                              source="kiosk")
        tickets.remember_key(session, _kiosk_credential(session), "tap-1", first)
        worker = post_in_thread(app.test_client(), kiosk, answers)
        session.commit()
        first_id = first.id
    worker.join(10)
    assert answers[0].status_code == 200, answers[0].get_json()
    assert answers[0].get_json()["id"] == first_id
    with session_scope(app) as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1
    app.extensions["hall.engine"].dispose()


def _kiosk_credential(session: Any) -> str:
    from hall.models import Device

    return f"device:{session.scalars(select(Device.id).where(Device.kind == 'kiosk')).first()}"


def test_a_place_in_line_counts_what_committed_while_waiting(pg_url: str) -> None:
    clock = Clock()
    app = make_app(pg_url, clock)
    world = build_world(app, clock.now)
    client, kiosk = app.test_client(), world.headers("kiosk")
    assert client.post("/api/v1/tickets", json={"field": "HT"}, headers=kiosk).status_code == 201
    answers: list[Any] = []
    with session_scope(app, writing=True) as session:  # A002, issued and not yet committed
        centre = session.scalars(select(Centre)).one()
        tickets.issue(session, centre, "HT", now=clock.now, actor=tickets.Actor(), source="kiosk")
        worker = post_in_thread(client, kiosk, answers)  # A003 waits for A002's lock
        session.commit()
    worker.join(10)
    third = answers[0].get_json()
    assert third["number"] == "A003" and third["waiting_ahead"] == 2, third
    again = client.get(f"/api/v1/tickets/{third['id']}", headers=world.headers("admin")).get_json()
    assert again["waiting_ahead"] == 2
    app.extensions["hall.engine"].dispose()


def test_a_page_behind_basic_auth_keeps_its_cookie_session(client: Any) -> None:
    """A proxy's basic auth header is not a bearer token: the login page still works."""
    page = client.get("/counter/login", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert page.status_code == 200


def test_a_second_call_waiting_on_the_counter_sees_the_first_call(pg_url: str) -> None:
    """An officer presses call-next twice: the second request waits on the counter's row
    lock, then must see the ticket the first one called (409 ticket_in_progress), not the
    counter as it was when it started waiting (which called a second ticket, or 500)."""
    clock = Clock()
    app = make_app(pg_url, clock)
    world = build_world(app, clock.now)
    client = app.test_client()
    for _ in range(2):
        assert client.post("/api/v1/tickets", json={"field": "HT"},
                           headers=world.headers("kiosk")).status_code == 201
    officer = world.headers("officer1")
    assert client.post("/api/v1/counters/1/open", headers=officer).status_code == 200
    from hall.engine import counters
    from hall.models import User

    answers: list[Any] = []
    with session_scope(app, writing=True) as session:  # the first press, still open
        user = session.scalars(select(User).where(User.username == "officer1")).one()
        first = counters.call_next(session, 1, 1, user, clock.now)
        assert first is not None
        worker = threading.Thread(target=lambda: answers.append(
            client.post("/api/v1/counters/1/call-next", headers=officer)))
        worker.start()
        time.sleep(0.5)  # the second press now waits on the counter's row lock
        session.commit()
    worker.join(10)
    assert answers[0].status_code == 409, answers[0].get_json()
    assert answers[0].get_json()["error"]["code"] == "ticket_in_progress"
    with session_scope(app) as session:
        called = session.scalars(select(Ticket.status).order_by(Ticket.id)).all()
    assert called == ["called", "waiting"]
    app.extensions["hall.engine"].dispose()
