"""One process takes as many screens as it can hold and refuses the next with a clear 503,
while kiosks and counters keep being served; and no socket gets its own compressor."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio

from tests.factories import World
from tests.listener import Listener
from tests.listener import close_all
from tests.servers import Server
from tests.servers import serving_worlds


@pytest.fixture
def small_hall(tmp_path: Path) -> Iterator[tuple[Server, World]]:
    with serving_worlds(tmp_path) as (server, worlds, url):
        server.stop()  # the same hall again, holding at most three sockets
        with Server(url, env={"HALL_MAX_SOCKETS": "3"}) as small:
            yield small, worlds[0]


def test_a_full_process_refuses_screens_and_keeps_issuing(small_hall: tuple[Server, World]) -> None:
    server, world = small_hall
    screens = [Listener(server.url, world.tokens["display"]) for _ in range(3)]
    try:
        for screen in screens:
            screen.wait_for("state")
        refused = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=5)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "10"
        assert refused.json()["error"]["code"] == "too_many_sockets"
        assert "màn hình" in refused.json()["error"]["message"]
        fourth = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            fourth.connect(server.url, auth={"token": world.tokens["display"]},
                           transports=["websocket"], wait_timeout=5)
        # the hall goes on: a kiosk issues, a counter calls, the screens hear it
        ticket = server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "HT"})
        assert ticket.status_code == 201
        server.api("POST", "/counters/1/open", world.tokens["officer1"])
        assert server.api("POST", "/counters/1/call-next", world.tokens["officer1"]).status_code == 200
        assert screens[0].wait_for("ticket.called")[0]["ticket"]["id"] == ticket.json()["id"]
        close_all(screens[:1])
        again = Listener(server.url, world.tokens["display"])  # a place was freed
        screens[0] = again
        again.wait_for("state")
    finally:
        close_all([screen for screen in screens if screen.client.connected])


def test_no_socket_is_compressed(small_hall: tuple[Server, World]) -> None:
    """A browser offers permessage-deflate; the server accepts the WebSocket without it."""
    server, _ = small_hall
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                     f"Host: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                     "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                     "\r\n").encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += raw.recv(4096)
    head = answer.split(b"\r\n\r\n")[0].decode().lower()
    assert head.startswith("http/1.1 101")
    assert "sec-websocket-extensions" not in head
