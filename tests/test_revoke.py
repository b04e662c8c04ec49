"""Tokens listed and revoked: a revoked user or device token stops working over HTTP at once
and its live sockets are dropped within two seconds; a logout drops the console's socket;
listing never shows a token; other centres' tokens and devices are out of reach."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Clock
from tests.factories import PASSWORD
from tests.factories import World
from tests.factories import build_world
from tests.factories import post
from tests.listener import Listener
from tests.servers import Server
from tests.servers import serving_worlds
from tests.test_api import check_error


def test_list_and_revoke_a_user_token(app: Flask, client: FlaskClient, world: World) -> None:
    listed = client.get("/api/v1/tokens", headers=world.headers("admin"))
    assert listed.status_code == 200
    rows = listed.get_json()
    assert {row["user"] for row in rows} >= {"admin", "manager", "officer1"}
    assert all(set(row) == {"id", "user", "created_at", "revoked_at"} for row in rows)
    assert world.tokens["officer1"] not in listed.get_data(as_text=True)
    mine = next(row for row in rows if row["user"] == "officer1")
    check_error(post(client, world, "manager", f"/tokens/{mine['id']}/revoke"), 403)
    assert client.get("/api/v1/queue", headers=world.headers("officer1")).status_code == 200
    revoked = post(client, world, "admin", f"/tokens/{mine['id']}/revoke")
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    check_error(client.get("/api/v1/queue", headers=world.headers("officer1")), 401)
    again = post(client, world, "admin", f"/tokens/{mine['id']}/revoke")  # changes nothing
    assert again.get_json()["revoked_at"] == revoked.get_json()["revoked_at"]
    check_error(post(client, world, "admin", "/tokens/999999/revoke"), 404, "unknown_token")


def test_other_centres_are_out_of_reach(app: Flask, client: FlaskClient, world: World,
                                         clock: Clock) -> None:
    other = build_world(app, clock.now, "C2")
    theirs = client.get("/api/v1/tokens", headers=other.headers("admin")).get_json()
    ours = client.get("/api/v1/tokens", headers=world.headers("admin")).get_json()
    assert not {row["id"] for row in theirs} & {row["id"] for row in ours}
    check_error(post(client, world, "admin", f"/tokens/{theirs[0]['id']}/revoke"), 404)
    devices = client.get("/api/v1/devices", headers=other.headers("admin")).get_json()
    check_error(post(client, world, "admin", f"/devices/{devices[0]['id']}/revoke"), 404,
                "unknown_device")
    assert client.get("/api/v1/queue", headers=other.headers("display")).status_code == 200


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, World, str]]:
    with serving_worlds(tmp_path) as (server, worlds, url):
        yield server, worlds[0], url


def _dropped(client: socketio.Client, within: float = 4.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not client.connected:
            return True
        time.sleep(0.05)
    return False


def test_revoked_tokens_lose_their_sockets(served: tuple[Server, World, str]) -> None:
    server, world, _ = served
    admin = world.tokens["admin"]
    display = Listener(server.url, world.tokens["display"])
    door = Listener(server.url, world.tokens["door1"])
    officer = Listener(server.url, world.tokens["officer2"])
    try:
        for listener in (display, door, officer):
            listener.wait_for("state")
        devices = server.api("GET", "/devices", admin).json()
        hall_display = next(d for d in devices if d["name"] == "display")
        started = time.monotonic()
        assert server.api("POST", f"/devices/{hall_display['id']}/revoke", admin).status_code == 200
        assert _dropped(display.client), "the revoked display kept its socket"
        assert time.monotonic() - started < 3
        assert server.api("GET", "/queue", world.tokens["display"]).status_code == 401
        assert door.client.connected  # only that device
        tokens = server.api("GET", "/tokens", admin).json()
        theirs = next(row for row in tokens if row["user"] == "officer2")
        server.api("POST", f"/tokens/{theirs['id']}/revoke", admin)
        assert _dropped(officer.client), "the revoked user token kept its socket"
        assert door.client.connected
        with pytest.raises(socketio.exceptions.ConnectionError):  # and cannot come back
            Listener(server.url, world.tokens["display"])
    finally:
        for listener in (display, door, officer):
            if listener.client.connected:
                listener.client.disconnect()


def test_logout_drops_the_console_socket(served: tuple[Server, World, str]) -> None:
    server, _, _ = served
    browser = requests.Session()
    page = browser.get(server.url + "/counter/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    browser.post(server.url + "/counter/login", allow_redirects=False,
                 data={"username": "officer1", "password": PASSWORD, "csrf": csrf.group(1)})
    console_page = browser.get(server.url + "/counter").text
    token = re.search(r'"csrf": "([^"]+)"', console_page)
    assert token
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    console = socketio.Client(reconnection=False)
    console.connect(server.url, headers={"Cookie": cookie}, auth={"csrf": token.group(1)},
                    transports=["websocket"], wait_timeout=5)
    try:
        assert console.connected
        browser.post(server.url + "/counter/logout", data={"csrf": token.group(1)})
        assert _dropped(console), "the console kept its socket after logout"
    finally:
        if console.connected:
            console.disconnect()
