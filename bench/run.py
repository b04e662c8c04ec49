"""Benchmarks that print figures (not pass/fail):

1. ticket-issue throughput with several concurrent HTTP clients, against a bare
   Flask-SocketIO endpoint writing one row (same server, same database tuning);
2. call -> display latency: N displays connected over Socket.IO, the time from sending
   `call-next` to each display receiving `ticket.called` (p50, p99).

    python -m bench.run [--clients 8] [--seconds 5] [--displays 200] [--calls 20]
    (PostgreSQL too when HALL_TEST_DATABASE_URL is set.)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def process(args: list[str], port: int, env: dict[str, str], ready: str) -> Iterator[str]:
    url = f"http://127.0.0.1:{port}"
    child = subprocess.Popen(args, env={**os.environ, **env}, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                requests.get(url + ready, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        child.terminate()
        child.wait(10)


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="hall-bench-")
        try:
            yield f"sqlite:///{folder}/hall.sqlite"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg

    base = os.environ["HALL_TEST_DATABASE_URL"]
    name = f"hall_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def hammer(url: str, headers: dict[str, str], body: dict[str, Any] | None, clients: int,
           seconds: float) -> float:
    """Requests per second answered 201, from `clients` concurrent asyncio clients."""
    return asyncio.run(_hammer(url, headers, body, clients, seconds))


async def _hammer(url: str, headers: dict[str, str], body: dict[str, Any] | None,
                  clients: int, seconds: float) -> float:
    done = 0
    stop = time.monotonic() + seconds

    async def client(http: aiohttp.ClientSession) -> None:
        nonlocal done
        while time.monotonic() < stop:
            async with http.post(url, json=body, headers=headers) as response:
                await response.read()
                done += response.status == 201

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.monotonic()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        return done / (time.monotonic() - started)


def prepare_hall(url: str) -> dict[str, str]:
    """Schema, demo-like world; returns tokens."""
    sys.path.insert(0, str(ROOT))
    from tests.conftest import Clock
    from tests.conftest import make_app
    from tests.factories import build_world

    app = make_app(url)
    world = build_world(app, Clock().now)
    app.extensions["hall.engine"].dispose()
    return world.tokens


def latency(base: str, tokens: dict[str, str], displays: int, calls: int) -> list[float]:
    """Milliseconds from sending call-next to each display's ticket.called (asyncio clients,
    so the measuring side costs as little CPU as possible on the same machine)."""
    return asyncio.run(_latency(base, tokens, displays, calls))


async def _latency(base: str, tokens: dict[str, str], displays: int, calls: int) -> list[float]:
    sent: dict[int, float] = {}
    seen: list[float] = []
    arrived = asyncio.Event()

    async def connect() -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False)

        async def on_called(data: Any) -> None:
            seen.append((time.perf_counter() - sent[data["ticket"]["id"]]) * 1000)
            if len(seen) % displays == 0:
                arrived.set()

        client.on("ticket.called", on_called)
        await client.connect(base, auth={"token": tokens["display"]}, transports=["websocket"],
                             wait_timeout=15)
        return client

    clients = []
    for start in range(0, displays, 50):
        clients += await asyncio.gather(*(connect() for _ in range(min(50, displays - start))))
    api = base + "/api/v1"
    officer = {"Authorization": f"Bearer {tokens['officer1']}"}
    kiosk = {"Authorization": f"Bearer {tokens['kiosk']}"}
    async with aiohttp.ClientSession() as http:
        await http.post(api + "/counters/1/open", headers=officer)
        ids = []
        for _ in range(calls):
            async with http.post(api + "/tickets", json={"field": "HT"}, headers=kiosk) as r:
                ids.append((await r.json())["id"])
        for ticket_id in ids:
            arrived.clear()
            sent[ticket_id] = time.perf_counter()
            await http.post(api + "/counters/1/call-next", headers=officer)
            await asyncio.wait_for(arrived.wait(), 10)
            await http.post(api + "/counters/1/finish", headers=officer)
    await asyncio.gather(*(client.disconnect() for client in clients))
    return seen


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(kind: str, args: argparse.Namespace) -> None:
    with database(kind) as url:
        port = free_port()
        with process([sys.executable, "-m", "bench.baseline_app", str(port), url], port, {},
                     "/ping") as base:
            baseline = hammer(base + "/row", {}, None, args.clients, args.seconds)
    with database(kind) as url:
        tokens = prepare_hall(url)
        port = free_port()
        env = {"HALL_DATABASE_URL": url, "HALL_INSTANCE_PATH": tempfile.mkdtemp()}
        with process([sys.executable, "-m", "hall.cli", "run", "--port", str(port)], port, env,
                     "/api/v1/openapi.json") as base:
            headers = {"Authorization": f"Bearer {tokens['kiosk']}"}
            issued = hammer(base + "/api/v1/tickets", headers, {"field": "CT"}, args.clients,
                            args.seconds)
            delays = latency(base, tokens, args.displays, args.calls)
    print(f"[{kind}] issue: {issued:7.1f} tickets/s with {args.clients} clients; "
          f"bare Flask-SocketIO one-row write: {baseline:7.1f}/s; ratio {issued / baseline:.2f}")
    firsts = [min(delays[i:i + args.displays]) for i in range(0, len(delays), args.displays)]
    print(f"[{kind}] call -> {args.displays} displays: {len(delays)} deliveries, "
          f"p50 {statistics.median(delays):.1f} ms, p99 {percentile(delays, 0.99):.1f} ms, "
          f"max {max(delays):.1f} ms; first display of each call p50 "
          f"{statistics.median(firsts):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--displays", type=int, default=200)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    run("sqlite", args)
    if os.environ.get("HALL_TEST_DATABASE_URL"):
        run("postgresql", args)


if __name__ == "__main__":
    main()
