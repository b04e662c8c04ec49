"""The measuring side: kept-alive HTTP clients and Socket.IO displays, all asyncio on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import aiohttp
import socketio

LOCAL = ("127.0.0.1", 0)  # every client socket binds here


@dataclass
class Load:
    """What `hammer` saw: answers per second and each request's time in milliseconds."""

    rate: float
    times: list[float] = field(default_factory=list)


@dataclass
class Delivery:
    """Milliseconds from each trigger to each display's event, and one payload as received."""

    times: list[float]
    payload: dict[str, Any] | None


SETTLE_S = 0.4


@contextmanager
def quiet_gc() -> Iterator[None]:
    """No garbage collection in the load generator while it times: a full collection of its
    200 clients' objects took about 100 ms and landed in the measured p99 (of hall and of
    the yardstick alike). Both are measured this way."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def connector(limit: int = 100) -> aiohttp.TCPConnector:
    """Connections from 127.0.0.1; `limit` 0 for no limit (each open websocket holds one)."""
    return aiohttp.TCPConnector(limit=limit, local_addr=LOCAL)


def hammer(url: str, headers: dict[str, str], body: dict[str, Any] | None, clients: int,
           seconds: float) -> Load:
    """Requests per second answered 201 from `clients` concurrent clients, each sending its next
    request when the previous answer came; the time of every request."""
    with quiet_gc():
        return asyncio.run(_hammer(url, headers, body, clients, seconds))


async def _hammer(url: str, headers: dict[str, str], body: dict[str, Any] | None,
                  clients: int, seconds: float) -> Load:
    load = Load(0.0)
    done = 0
    stop = time.monotonic() + seconds

    async def client(http: aiohttp.ClientSession) -> None:
        nonlocal done
        while time.monotonic() < stop:
            started = time.perf_counter()
            async with http.post(url, json=body, headers=headers) as response:
                await response.read()
            load.times.append((time.perf_counter() - started) * 1000)
            done += response.status == 201

    async with aiohttp.ClientSession(connector=connector(clients)) as http:
        started = time.monotonic()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        load.rate = done / (time.monotonic() - started)
    return load


Step = Callable[[aiohttp.ClientSession, int], Awaitable[None]]


async def _post(http: aiohttp.ClientSession, url: str, headers: dict[str, str] | None = None,
                body: Any = None) -> None:
    async with http.post(url, json=body, headers=headers) as response:
        await response.read()
        response.raise_for_status()


async def _deliveries(base: str, auth: dict[str, str] | None, displays: int, calls: int,
                      trigger: Step, before: Step | None = None) -> Delivery:
    """Connect `displays` Socket.IO clients; `calls` times, run `before` (untimed), note the
    clock, await `trigger` and wait until every display has its `ticket.called`. One call at
    a time, so each event belongs to the call in flight."""
    sent = 0.0
    seen: list[float] = []
    captured: list[dict[str, Any]] = []
    arrived = asyncio.Event()
    http = aiohttp.ClientSession(connector=connector())
    sockets = aiohttp.ClientSession(connector=connector(0))

    async def connect() -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False, http_session=sockets)

        async def on_called(data: Any) -> None:
            seen.append((time.perf_counter() - sent) * 1000)
            if not captured:
                captured.append(data)
            if len(seen) % displays == 0:
                arrived.set()

        client.on("ticket.called", on_called)
        await client.connect(base, auth=auth, transports=["websocket"], wait_timeout=15)
        return client

    clients: list[socketio.AsyncClient] = []
    try:
        for start in range(0, displays, 50):
            clients += await asyncio.gather(*(connect() for _ in range(min(50, displays - start))))
        for index in range(calls):
            if before is not None:
                await before(http, index)
            # Calls in a hall are seconds apart: let the last call's other events (hall sends
            # ticket.updated on finish and a coalesced queue.changed) go out before timing one.
            await asyncio.sleep(SETTLE_S)
            arrived.clear()
            sent = time.perf_counter()
            await trigger(http, index)
            await asyncio.wait_for(arrived.wait(), 10)
    finally:
        await asyncio.gather(*(client.disconnect() for client in clients))
        await http.close()
        await sockets.close()
    return Delivery(seen, captured[0] if captured else None)


def hall_calls(base: str, tokens: dict[str, str], displays: int, calls: int) -> Delivery:
    """Call-next on counter 1, `calls` times; the time to each display's `ticket.called`."""
    api = base + "/api/v1"
    officer = {"Authorization": f"Bearer {tokens['officer1']}"}
    kiosk = {"Authorization": f"Bearer {tokens['kiosk']}"}

    async def before(http: aiohttp.ClientSession, index: int) -> None:
        if index == 0:
            await _post(http, api + "/counters/1/open", officer)
            for _ in range(calls):  # enough waiting tickets whatever the issue runs left
                await _post(http, api + "/tickets", kiosk, {"field": "HT"})
        else:
            await _post(http, api + "/counters/1/finish", officer)

    async def trigger(http: aiohttp.ClientSession, index: int) -> None:
        await _post(http, api + "/counters/1/call-next", officer)

    with quiet_gc():
        return asyncio.run(_deliveries(base, {"token": tokens["display"]}, displays, calls, trigger,
                                   before))


def bare_calls(base: str, payload: dict[str, Any], displays: int, calls: int) -> Delivery:
    """POST /emit with `payload` (hall's `ticket.called`), `calls` times; the time to each
    display's `ticket.called`."""

    async def trigger(http: aiohttp.ClientSession, index: int) -> None:
        await _post(http, base + "/emit", body=payload)

    with quiet_gc():
        return asyncio.run(_deliveries(base, None, displays, calls, trigger))
