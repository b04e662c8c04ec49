"""Many screens at once: every display hears every call, in one message per call, the waiting
counts inside it; screens that name no events get the whole stream API clients know; the
shared WebSocket frame and the shared `state` snapshot hand out exactly what was sent."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import socketio
from wsproto import ConnectionType
from wsproto import WSConnection
from wsproto.events import AcceptConnection
from wsproto.events import Request
from wsproto.events import TextMessage

from hall.web import fanout
from hall.web import snapshots
from tests.factories import World
from tests.servers import Server
from tests.servers import serving_worlds

LEAN_DISPLAY = ["ticket.called", "fields.changed", "ticket.updated", "counter.updated",
                "queue.changed"]  # what display/static/calls.js names for the hall display
SCREENS = 300
CALLS = 4


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[tuple[Server, World]]:
    with serving_worlds(tmp_path) as (server, worlds, _):
        yield server, worlds[0]


class Crowd:
    """Raw Engine.IO 4 / Socket.IO 5 clients on one event loop (in a thread of the test):
    each records every event it receives, by name, with its payload."""

    def __init__(self, url: str, auths: list[dict[str, Any]]) -> None:
        self.url = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.auths = auths
        self.received: list[list[tuple[str, Any]]] = [[] for _ in auths]
        self.ready = threading.Event()
        self.stop: asyncio.Event | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Crowd:
        self.thread.start()
        assert self.ready.wait(60), "the screens did not all connect"
        if self.failure:
            raise self.failure
        return self

    def __exit__(self, *_: Any) -> None:
        if self.loop is not None and self.stop is not None:
            self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(30)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as error:  # reported to the test
            self.failure = error
            self.ready.set()

    async def _main(self) -> None:
        self.loop, self.stop = asyncio.get_running_loop(), asyncio.Event()
        limit = asyncio.Semaphore(50)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            sockets = await asyncio.gather(*(self._connect(http, n, limit)
                                             for n in range(len(self.auths))))
            readers = [asyncio.create_task(self._read(socket, n))
                       for n, socket in enumerate(sockets)]
            self.ready.set()
            await self.stop.wait()
            for reader in readers:
                reader.cancel()
            await asyncio.gather(*(socket.close() for socket in sockets), return_exceptions=True)

    async def _connect(self, http: aiohttp.ClientSession, n: int, limit: asyncio.Semaphore) -> Any:
        async with limit:
            socket = await http.ws_connect(self.url, compress=0, autoping=False)
            await socket.receive()  # Engine.IO open
            await socket.send_str("40" + json.dumps(self.auths[n]))
            while True:
                answer = (await socket.receive()).data
                if answer.startswith("44"):
                    raise ConnectionError(answer)
                if answer.startswith("42"):
                    self._note(n, answer)
                if any(name == "state" for name, _ in self.received[n]):
                    return socket

    async def _read(self, socket: Any, n: int) -> None:
        async for message in socket:
            if message.data == "2":
                await socket.send_str("3")
            elif isinstance(message.data, str) and message.data.startswith("42"):
                self._note(n, message.data)

    def _note(self, n: int, data: str) -> None:
        name, *payload = json.loads(data[2:])
        self.received[n].append((name, payload[0] if payload else None))

    def names(self, n: int) -> list[str]:
        return [name for name, _ in self.received[n] if name != "state"]

    def wait(self, test: Any, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not test():
            assert time.monotonic() < deadline, "the screens did not hear it in time"
            time.sleep(0.05)


def test_every_display_hears_each_call_in_one_message(hall: tuple[Server, World]) -> None:
    server, world = hall
    display, officer, kiosk = (world.tokens[name] for name in ("display", "officer1", "kiosk"))
    lean, whole = SCREENS - 20, 20
    auths = [{"token": display, "events": LEAN_DISPLAY}] * lean + [{"token": display}] * whole
    issued = [server.api("POST", "/tickets", kiosk, json={"field": "HT"}).json()
              for _ in range(CALLS)]
    server.api("POST", "/counters/1/open", officer)
    time.sleep(0.5)  # the issues' queue.changed has gone out before the screens come
    with Crowd(server.url, auths) as crowd:
        for index, ticket in enumerate(issued):
            if index:
                assert server.api("POST", "/counters/1/finish", officer).status_code == 200
            called = server.api("POST", "/counters/1/call-next", officer).json()
            assert called["id"] == ticket["id"]
            crowd.wait(lambda heard=index + 1: all(crowd.names(n).count("ticket.called") == heard
                                                   for n in range(SCREENS)))
        time.sleep(0.6)  # what a coalesced queue.changed would have been, for the whole room
        for n in range(lean):
            # one message per call and finish, the call's own
            assert crowd.names(n) == ["ticket.called"] * CALLS, crowd.names(n)
        calls = [payload for name, payload in crowd.received[0] if name == "ticket.called"]
        assert [call["ticket"]["number"] for call in calls] == [t["number"] for t in issued]
        # each call carries the waiting counts after it: 3, 2, 1, 0 in Hộ tịch
        assert [{f["code"]: f["waiting"] for f in call["fields"]}["HT"] for call in calls] == [
            CALLS - 1 - i for i in range(CALLS)]
        # the public ticket, as before: no tracking link, no record codes, no procedure
        assert {key for call in calls for key in call["ticket"]} == {
            "id", "number", "field", "status", "priority", "counter", "called_at"}
        for n in range(lean, SCREENS):  # no events named: the whole stream, as API clients know it
            names = crowd.names(n)
            assert names.count("ticket.called") == CALLS
            assert names.count("ticket.updated") == CALLS - 1  # the finishes
            assert names.count("queue.changed") >= 1
        # the last ticket finished and no call follows: lean screens hear it a few seconds on
        assert server.api("POST", "/counters/1/finish", officer).status_code == 200
        crowd.wait(lambda: all(crowd.names(n).count("ticket.updated") == 1 for n in range(lean)))
        assert crowd.received[0][-1][1]["ticket"]["status"] == "done"
        assert crowd.received[0][-1][1]["ticket"]["id"] == issued[-1]["id"]


def test_a_kiosk_hears_every_count_and_no_calls(hall: tuple[Server, World]) -> None:
    """A kiosk that names queue.changed (and not ticket.called) gets the counts after calls too."""
    server, world = hall
    officer, kiosk = world.tokens["officer1"], world.tokens["kiosk"]
    server.api("POST", "/tickets", kiosk, json={"field": "HT"})
    server.api("POST", "/counters/1/open", officer)
    time.sleep(0.5)
    auths = [{"token": kiosk, "events": ["queue.changed", "fields.changed"]}] * 5
    with Crowd(server.url, auths) as crowd:
        server.api("POST", "/counters/1/call-next", officer)
        crowd.wait(lambda: all("queue.changed" in crowd.names(n) for n in range(5)))
        time.sleep(0.4)
        assert crowd.names(0) == ["queue.changed"]
        counts = {f["code"]: f["waiting"] for f in crowd.received[0][-1][1]["fields"]}
        assert counts["HT"] == 0


def test_unknown_events_are_refused(hall: tuple[Server, World]) -> None:
    server, world = hall
    for events in (["ticket.called", "everything"], "queue.changed", [7]):
        client = socketio.Client(reconnection=False)
        errors: list[Any] = []
        client.on("connect_error", errors.append)
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(server.url, auth={"token": world.tokens["display"], "events": events},
                           transports=["websocket"], wait_timeout=5)
        assert errors and errors[0]["message"] == "invalid_events", errors
        assert "auth.events" in errors[0]["data"]["error"]["message"]


@pytest.mark.parametrize("length", [10, 125, 126, 4000, 65535, 65536, 200_000])
def test_the_shared_frame_is_the_message(length: int) -> None:
    """Read back by a WebSocket client, the frame built once is the text, at every length
    class of the header (7-bit, 16-bit, 64-bit), with Vietnamese letters."""
    text = ('42["ticket.called",{"name":"' + "Hộ tịch Đăng ký " * (length // 16 + 1))[:length]
    client = WSConnection(ConnectionType.CLIENT)
    server = WSConnection(ConnectionType.SERVER)
    server.receive_data(client.send(Request(host="hall", target="/socket.io/")))
    request = next(server.events())
    assert isinstance(request, Request)
    client.receive_data(server.send(AcceptConnection()))
    assert isinstance(next(client.events()), AcceptConnection)
    client.receive_data(fanout.frame_of(text))
    received = "".join(event.data for event in client.events() if isinstance(event, TextMessage))
    assert received == text
    assert fanout.frame_of(text) is fanout.frame_of(text)  # built once, kept


def test_a_snapshot_is_shared_until_the_centre_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    manager = snapshots.WatchingManager()
    built: list[int] = []

    def build(centre: int) -> Any:
        def make() -> dict[str, Any]:
            built.append(centre)
            return {"centre": centre, "made": len(built)}
        return make

    first = manager.public_state(1, build(1))
    second = manager.public_state(1, build(1))
    assert built == [1] and first == second and first is not second  # one build, own copies
    manager.public_state(2, build(2))  # another centre has its own
    manager.delivered(["centre:2|queue.changed", "tablet:4"])
    assert manager.public_state(1, build(1))["made"] == 1  # centre 2's event leaves 1's alone
    assert manager.public_state(2, build(2))["made"] == 3
    manager.delivered("centre:1")
    assert manager.public_state(1, build(1))["made"] == 4
    later = time.monotonic() + snapshots.MAX_AGE_S + 1
    monkeypatch.setattr(snapshots.time, "monotonic", lambda: later)
    assert manager.public_state(1, build(1))["made"] == 5  # and never older than MAX_AGE_S


def test_a_snapshot_built_while_an_event_arrives_is_built_again() -> None:
    """A screen has joined its rooms; an event reaches it while its snapshot is read: that
    snapshot (older than the event, yet sent after it) is not sent, nor kept."""
    manager = snapshots.WatchingManager()
    builds: list[int] = []

    def build() -> dict[str, Any]:
        builds.append(len(builds))
        if len(builds) == 1:
            manager.delivered("centre:1|ticket.called")  # delivered during the first read
        return {"made": len(builds)}

    assert manager.public_state(1, build)["made"] == 2
    assert manager.public_state(1, build)["made"] == 2 and len(builds) == 2  # the second is kept

    def always() -> dict[str, Any]:
        manager.delivered("centre:2")
        return {"made": time.monotonic()}

    manager.public_state(2, always)  # a stream of events: a bounded number of builds
    assert 2 not in manager.kept
