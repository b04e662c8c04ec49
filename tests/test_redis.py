"""Several server processes share events through Redis (Flask-SocketIO message_queue)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from hall.models import Centre
from hall.store.db import session_scope
from hall.web import realtime
from tests.conftest import Clock
from tests.conftest import make_app
from tests.conftest import needs_redis
from tests.factories import World
from tests.factories import build_world
from tests.listener import Listener
from tests.listener import close_all
from tests.servers import Server

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def two_servers(pg_url: str) -> Iterator[tuple[Server, Server, World, str, str]]:
    redis_url = needs_redis()
    channel = f"hall-test-{uuid.uuid4().hex[:8]}"  # keeps parallel runs apart
    app = make_app(pg_url)
    world = build_world(app, Clock().now)
    app.extensions["hall.engine"].dispose()
    with Server(pg_url, redis_url, channel) as first, Server(pg_url, redis_url, channel) as second:
        yield first, second, world, redis_url, channel


def test_a_call_on_one_server_reaches_a_screen_on_another(
        two_servers: tuple[Server, Server, World, str, str]) -> None:
    first, second, world, _, _ = two_servers
    display = Listener(second.url, world.tokens["display"])
    tablet = Listener(second.url, world.tokens["tablet1"])
    try:
        display.wait_for("state")
        ticket = first.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "HT"}).json()
        first_field = display.wait_for("queue.changed")[0]["fields"][0]
        assert (first_field["code"], first_field["waiting"], first_field["state"]) == ("HT", 1, "open")
        first.api("POST", "/counters/1/open", world.tokens["officer1"])
        first.api("POST", "/counters/1/call-next", world.tokens["officer1"])
        called = display.wait_for("ticket.called")[0]
        assert called["ticket"]["id"] == ticket["id"] and called["counter"]["number"] == 1
        assert tablet.wait_for("ticket.called")[0]["ticket"]["id"] == ticket["id"]
        first.api("POST", "/counters/1/finish", world.tokens["officer1"])
        assert tablet.wait_for("rating.requested")[0]["ticket"]["id"] == ticket["id"]
        assert "rating.requested" not in display.names()
    finally:
        close_all([display, tablet])


def test_another_process_without_a_server_can_announce(
        two_servers: tuple[Server, Server, World, str, str], pg_url: str) -> None:
    """A CLI or job process emits through Redis; the screens on the servers receive it."""
    first, second, world, redis_url, channel = two_servers
    screens = [Listener(first.url, world.tokens["display"]),
               Listener(second.url, world.tokens["display"])]
    try:
        for screen in screens:
            screen.wait_for("state")
        app = make_app(pg_url, REDIS_URL=redis_url, SOCKETIO_CHANNEL=channel)
        with app.app_context(), session_scope(app) as session:
            realtime.announce_queue(session, session.scalars(select(Centre)).one().id)
        for screen in screens:
            assert screen.wait_for("queue.changed")[0]["fields"][0]["code"] == "HT"
    finally:
        close_all(screens)
