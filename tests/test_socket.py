"""Socket.IO with real clients against a real `hall run` (gevent) server process."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import World
from tests.factories import build_world
from tests.listener import Listener
from tests.listener import close_all
from tests.servers import Server
from tests.servers import serving_worlds


@pytest.fixture(scope="module")
def hall(tmp_path_factory: Any) -> Iterator[tuple[Server, World, World]]:
    """One server with two centres: the main world and a second centre 'C2'."""
    path: Path = tmp_path_factory.mktemp("socket") / "hall.sqlite"
    app = make_app(f"sqlite:///{path}")
    main, other = build_world(app, Clock().now), build_world(app, Clock().now, "C2")
    app.extensions["hall.engine"].dispose()
    with Server(f"sqlite:///{path}") as server:
        yield server, main, other


def test_state_on_connect_matches_the_queue(hall: tuple[Server, World, World]) -> None:
    server, world, _ = hall
    server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "DD"})
    display = Listener(server.url, world.tokens["display"])
    try:
        state = display.wait_for("state")[0]
        sent_at = state.pop("now_ms")  # the server's clock as it sent the snapshot
        assert abs(sent_at / 1000 - time.time()) < 60
        assert state == server.api("GET", "/queue", world.tokens["display"]).json()
        assert state["centre"]["code"] == "default"
    finally:
        display.close()


BAD_AUTH = [None, {}, {"token": ""}, {"token": "forged"}, {"token": 5}, {"token": "x" * 5000},
            "just-a-string"]


def test_bad_tokens_are_refused(hall: tuple[Server, World, World]) -> None:
    server, _, _ = hall
    outcomes: dict[int, str] = {}

    def attempt(index: int, auth: Any) -> None:
        client = socketio.Client(reconnection=False)
        client.on("connect_error", lambda data: outcomes.__setitem__(index, data["message"]))
        try:
            client.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=5)
            outcomes[index] = "connected"
            client.disconnect()
        except socketio.exceptions.ConnectionError:
            pass

    threads = [threading.Thread(target=attempt, args=item) for item in enumerate(BAD_AUTH)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == dict.fromkeys(range(len(BAD_AUTH)), "unauthorized")


PUBLIC_TICKET = ("id", "number", "field", "status", "priority", "counter", "called_at")


def test_events_reach_their_rooms_and_no_others(hall: tuple[Server, World, World]) -> None:
    server, world, other = hall
    ticket = server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "HT"}).json()
    tracking = ticket["track_url"].rsplit("/", 1)[1]
    listeners = {
        "display": Listener(server.url, world.tokens["display"]),
        "tablet1": Listener(server.url, world.tokens["tablet1"]),
        "tablet2": Listener(server.url, world.tokens["tablet2"]),
        "door1": Listener(server.url, world.tokens["door1"]),
        "phone": Listener(server.url, tracking),
        "other_centre": Listener(server.url, other.tokens["display"]),
    }
    try:
        for listener in listeners.values():
            listener.wait_for("state")
        officer = world.tokens["officer1"]
        server.api("POST", "/counters/1/open", officer)
        called = server.api("POST", "/counters/1/call-next", officer).json()
        assert called["id"] == ticket["id"]
        public = {key: called[key] for key in PUBLIC_TICKET}
        for name, whole in (("display", False), ("tablet1", False), ("door1", False),
                            ("phone", True)):
            event = listeners[name].wait_for("ticket.called")[0]
            assert event["ticket"] == (called if whole else public), name
            assert event["counter"]["number"] == 1 and event["recall"] is False
        listeners["display"].wait_for("queue.changed")
        server.api("POST", "/counters/1/finish", officer)
        request = listeners["tablet1"].wait_for("rating.requested")[0]
        assert request["ticket"]["id"] == ticket["id"]
        assert request["officer"]["username"] == "officer1"
        for name in ("display", "tablet1", "phone"):
            assert listeners[name].wait_for("ticket.updated")[0]["ticket"]["status"] == "done"
        # Give stray deliveries a moment before asserting absence.
        time.sleep(0.3)
        for name in ("display", "tablet1", "door1", "phone"):  # each heard of it once
            assert listeners[name].names().count("ticket.called") == 1, name
        assert listeners["tablet2"].names() == ["state"]
        assert listeners["other_centre"].names() == ["state"]
        assert "rating.requested" not in listeners["display"].names()
        assert "queue.changed" not in listeners["phone"].names()
        assert "queue.changed" not in listeners["tablet1"].names()
    finally:
        close_all(list(listeners.values()))


def test_reconnect_gets_a_fresh_state(hall: tuple[Server, World, World]) -> None:
    server, world, _ = hall
    first = Listener(server.url, world.tokens["display"])
    before = first.wait_for("state")[0]
    closing = threading.Thread(target=first.client.disconnect)
    closing.start()
    # Changes made while the screen was away show up in the next snapshot.
    server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "CT"})
    second = Listener(server.url, world.tokens["display"])
    try:
        after = second.wait_for("state")[0]
        waiting = {f["code"]: f["waiting"] for f in after["fields"]}
        assert waiting["CT"] == {f["code"]: f["waiting"] for f in before["fields"]}["CT"] + 1
    finally:
        closing.join()
        second.close()


def test_kept_alive_requests_are_not_held_back(hall: tuple[Server, World, World]) -> None:
    """Browsers reuse connections: without TCP_NODELAY each answer waited ~40 ms."""
    server, world, _ = hall
    with requests.Session() as session:
        session.get(server.url + "/api/v1/fields", headers=world.headers("kiosk"), timeout=5)
        started = time.perf_counter()
        for _ in range(10):
            session.get(server.url + "/api/v1/fields", headers=world.headers("kiosk"), timeout=5)
        assert time.perf_counter() - started < 0.35  # ten Nagle stalls alone take 0.4 s


def test_officer_joins_the_counters_it_holds(hall: tuple[Server, World, World]) -> None:
    server, world, _ = hall
    officer = world.tokens["officer3"]
    server.api("POST", "/counters/3/open", officer)
    server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "DD"})
    console = Listener(server.url, officer)
    try:
        console.wait_for("state")
        called = server.api("POST", "/counters/3/call-next", officer).json()
        assert console.wait_for("ticket.called")[0]["ticket"]["id"] == called["id"]
    finally:
        console.close()


def test_a_tracking_page_sees_no_other_citizen(hall: tuple[Server, World, World]) -> None:
    """The `state` a tracking token receives carries the public board: no other ticket's
    tracking link and no record codes; staff's `state` carries them for their work."""
    server, world, _ = hall
    officer = world.tokens["officer2"]
    server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "DD"})
    server.api("POST", "/counters/2/open", officer)
    called = server.api("POST", "/counters/2/call-next", officer).json()
    code = f"HS-{called['id']}-X"
    server.api("POST", f"/tickets/{called['id']}/records", officer, json={"codes": [code]})
    mine = server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "DD"}).json()
    phone = Listener(server.url, mine["track_url"].rsplit("/", 1)[1])
    staff = Listener(server.url, officer)
    try:
        seen = str(phone.wait_for("state")[0])
        assert called["track_url"].rsplit("/", 1)[1] not in seen and code not in seen
        assert str(called["number"]) in seen  # the board itself is there
        busy = [c["ticket"] for c in staff.wait_for("state")[0]["counters"] if c["ticket"]]
        assert any(ticket.get("records") == [code] for ticket in busy)
    finally:
        server.api("POST", "/counters/2/finish", officer)
        server.api("POST", "/counters/2/close", officer)
        close_all([phone, staff])


def test_a_page_of_another_site_cannot_open_a_socket(hall: tuple[Server, World, World]) -> None:
    """A browser sends its page's Origin: another site's page is refused whatever token it
    holds; the server's own pages connect (the client library sends the server's own
    address as Origin unless told otherwise)."""
    server, world, _ = hall
    token = world.tokens["display"]
    outcomes = {}
    for name, headers in (("evil", {"Origin": "http://evil.example"}),
                          ("look-alike", {"Origin": server.url + ".evil.example"}),
                          ("own", {})):
        client = socketio.Client(reconnection=False)
        try:
            client.connect(server.url, headers=headers, auth={"token": token},
                           transports=["websocket"], wait_timeout=5)
            outcomes[name] = "connected"
            client.disconnect()
        except socketio.exceptions.ConnectionError:
            outcomes[name] = "refused"
    assert outcomes == {"evil": "refused", "look-alike": "refused", "own": "connected"}


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[Server, World, World]]:
    """A server of its own: no counter busy from another test."""
    with serving_worlds(tmp_path, "C2") as (server, (main, other), _):
        yield server, main, other


def test_who_hears_what(fresh: tuple[Server, World, World]) -> None:
    """The socket permission matrix: after a call and a finish at counter 3, each kind of
    connection hears exactly the events of its rooms, each ticket whole or public as its
    reader may see it; nobody hears another centre, another counter's tablet or another
    citizen's room."""
    server, world, other = fresh
    officer = world.tokens["officer3"]
    mine = server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "DD"}).json()
    theirs = server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "CT"}).json()
    server.api("POST", "/counters/3/open", officer)
    who = {
        "admin": world.tokens["admin"], "officer3": officer, "officer1": world.tokens["officer1"],
        "kiosk": world.tokens["kiosk"], "display": world.tokens["display"],
        "door1": world.tokens["door1"], "tablet3": world.tokens["tablet3"],
        "tablet1": world.tokens["tablet1"], "phone": mine["track_url"].rsplit("/", 1)[1],
        "other phone": theirs["track_url"].rsplit("/", 1)[1],
        "other centre": other.tokens["display"],
    }
    listeners = {name: Listener(server.url, token) for name, token in who.items()}
    try:
        for listener in listeners.values():
            listener.wait_for("state")
        called = server.api("POST", "/counters/3/call-next", officer)
        assert called.status_code == 200 and called.json()["id"] == mine["id"], called.text
        server.api("POST", "/counters/3/finish", officer)
        listeners["tablet3"].wait_for("rating.requested")
        listeners["display"].wait_for("ticket.updated")
        time.sleep(0.6)  # stray deliveries and the coalesced queue.changed
        heard = {name: set(listener.names()) - {"state"} for name, listener in listeners.items()}
        staff = {"ticket.called", "ticket.updated", "queue.changed"}
        assert heard == {
            "admin": staff, "officer3": staff, "officer1": staff, "kiosk": staff,
            "display": staff, "door1": staff,
            "tablet3": {"ticket.called", "ticket.updated", "rating.requested"},  # public
            "tablet1": set(), "phone": {"ticket.called", "ticket.updated"},
            "other phone": set(), "other centre": set(),
        }, heard

        def whole(name: str) -> list[bool]:
            return ["track_url" in event["ticket"]
                    for event in listeners[name].events("ticket.called")]

        # a connection in both the centre's and the counter's room hears the call both ways
        assert sorted(whole("officer3")) == [False, True]
        for name in ("admin", "officer1", "kiosk", "display", "door1"):
            assert whole(name) == [False], name
        assert whole("tablet3") == [False] and whole("phone") == [True]
        request = listeners["tablet3"].wait_for("rating.requested")[0]
        assert "track_url" not in request["ticket"] and request["ticket"]["id"] == mine["id"]
    finally:
        server.api("POST", "/counters/3/close", officer)
        close_all(list(listeners.values()))
