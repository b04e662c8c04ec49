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
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
    """Requests per second that answered 201, from `clients` threads for `seconds`."""
    counts = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        with requests.Session() as session:
            while time.monotonic() < stop:
                if session.post(url, json=body, headers=headers, timeout=30).status_code == 201:
                    counts[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


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
    """Milliseconds from sending call-next to each display's ticket.called."""
    sent: dict[int, float] = {}
    seen: list[float] = []
    lock = threading.Lock()
    clients = []
    for _ in range(displays):
        client = socketio.Client(reconnection=False)

        def on_called(data: Any) -> None:
            arrived = time.perf_counter()
            with lock:
                seen.append((arrived - sent[data["ticket"]["id"]]) * 1000)

        client.on("ticket.called", on_called)
        client.connect(base, auth={"token": tokens["display"]}, transports=["websocket"])
        clients.append(client)
    officer = {"Authorization": f"Bearer {tokens['officer1']}"}
    kiosk = {"Authorization": f"Bearer {tokens['kiosk']}"}
    api = base + "/api/v1"
    requests.post(api + "/counters/1/open", headers=officer, timeout=10)
    ids = [requests.post(api + "/tickets", json={"field": "HT"}, headers=kiosk, timeout=10)
           .json()["id"] for _ in range(calls)]
    for ticket_id in ids:
        sent[ticket_id] = time.perf_counter()
        requests.post(api + "/counters/1/call-next", headers=officer, timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with lock:
                if len(seen) >= displays * (ids.index(ticket_id) + 1):
                    break
            time.sleep(0.001)
        requests.post(api + "/counters/1/finish", headers=officer, timeout=10)
    threads = [threading.Thread(target=c.disconnect) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
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
    print(f"[{kind}] call -> {args.displays} displays: {len(delays)} deliveries, "
          f"p50 {statistics.median(delays):.1f} ms, p99 {percentile(delays, 0.99):.1f} ms, "
          f"max {max(delays):.1f} ms")


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
