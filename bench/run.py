"""Benchmarks that print figures (not pass/fail), hall against a bare Flask-SocketIO yardstick:

1. ticket-issue throughput with several concurrent kept-alive HTTP clients, against a bare
   endpoint that writes one row and makes one Socket.IO emit (same server, same database
   tuning), and the ratio;
2. issue latency (p50, p99) with --clients and with --busy-clients concurrent clients, each
   sending its next request when the previous answer came;
3. call -> display latency: N displays connected over Socket.IO, the time from sending
   `call-next` to each display receiving `ticket.called` (p50, p99), against N displays of
   the bare app receiving the same payload from `POST /emit`, and the ratios;
4. with --runs N, the min-max range of every figure over the runs, as a Markdown table;
5. with --report-during, the call -> display latency again while a manager downloads the
   day's tickets as Excel and its workbook of every grouping, over and over (reports run off
   the hub: the calls should not notice).

    python -m bench.run [--runs 1] [--clients 8] [--busy-clients 32] [--seconds 5]
                        [--displays 200] [--calls 20] [--report-during]
    (PostgreSQL too when HALL_TEST_DATABASE_URL is set.)

The managers' reports on a province-year of tickets have their own: `python -m bench.year`.
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

import requests

from bench import clients
from bench.report import Figures
from bench.report import summary

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def process(args: list[str], port: int, env: dict[str, str], ready: str) -> Iterator[tuple[str, int]]:
    """Start a server on 127.0.0.1:`port`, wait until `ready` answers, stop it when done:
    (its URL, its pid)."""
    url = f"http://127.0.0.1:{port}"
    child = subprocess.Popen(args, env={**os.environ, **env}, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if child.poll() is not None:
                raise RuntimeError(f"{' '.join(args[1:])} exited with {child.returncode}")
            try:
                requests.get(url + ready, timeout=5)
                break
            except (requests.ConnectionError, requests.Timeout):  # not listening, or booting
                time.sleep(0.1)
        yield url, child.pid
    finally:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh, empty database of `kind`, removed afterwards."""
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


def issue_runs(url: str, headers: dict[str, str], body: dict[str, object] | None,
               args: argparse.Namespace) -> tuple[clients.Load, clients.Load]:
    """Issue load with --clients, then with --busy-clients."""
    return (clients.hammer(url, headers, body, args.clients, args.seconds),
            clients.hammer(url, headers, body, args.busy_clients, args.seconds))


def run(kind: str, args: argparse.Namespace) -> Figures:
    """One round on one database: hall first (its `ticket.called` payload feeds the
    yardstick), then the bare app; prints the figures and returns them."""
    with database(kind) as url:
        tokens = prepare_hall(url)
        port = free_port()
        instance = tempfile.mkdtemp(prefix="hall-bench-instance-")
        # One kiosk token issues thousands a second here: the limit is raised, not removed,
        # so its cost stays in the figures.
        env = {"HALL_DATABASE_URL": url, "HALL_INSTANCE_PATH": instance,
               "HALL_ISSUE_LIMIT": "1000000 per second"}
        with process([sys.executable, "-m", "hall.cli", "run", "--port", str(port)], port, env,
                     "/api/v1/openapi.json") as (base, _):
            headers = {"Authorization": f"Bearer {tokens['kiosk']}"}
            hall = issue_runs(base + "/api/v1/tickets", headers, {"field": "CT"}, args)
            hall_calls = clients.hall_calls(base, tokens, args.displays, args.calls)
            if args.report_during:
                calls_during_reports(base, tokens, args, hall_calls.times, kind)
        shutil.rmtree(instance, ignore_errors=True)
    assert hall_calls.payload is not None, "no ticket.called payload from hall"
    with database(kind) as url:
        port = free_port()
        with process([sys.executable, "-m", "bench.baseline_app", str(port), url], port, {},
                     "/ping") as (base, _):
            bare = issue_runs(base + "/row", {}, None, args)
            bare_calls = clients.bare_calls(base, hall_calls.payload, args.displays, args.calls)
    figures = Figures.of(hall, bare, hall_calls.times, bare_calls.times, args.displays)
    tag = f"[{kind}]"
    print(f"{tag} issue: {hall[0].rate:7.1f} tickets/s with {args.clients} clients "
          f"({hall[1].rate:.1f}/s with {args.busy_clients}); bare one row + one emit: "
          f"{bare[0].rate:7.1f}/s ({bare[1].rate:.1f}/s); ratio {figures['issue_ratio']:.2f}")
    for who, loads in (("hall", hall), ("bare", bare)):
        print(f"{tag} issue latency {who}: " + "; ".join(
            f"{n} clients p50 {clients.percentile(load.times, 0.5):.1f} ms, "
            f"p99 {clients.percentile(load.times, 0.99):.1f} ms ({len(load.times)} requests)"
            for n, load in zip((args.clients, args.busy_clients), loads, strict=True)))
    for who, times in (("hall", hall_calls.times), ("bare", bare_calls.times)):
        firsts = [min(times[i:i + args.displays]) for i in range(0, len(times), args.displays)]
        print(f"{tag} call -> {args.displays} displays, {who}: {len(times)} deliveries, "
              f"p50 {statistics.median(times):.1f} ms, p99 {clients.percentile(times, 0.99):.1f} ms, "
              f"max {max(times):.1f} ms; first display of each call p50 "
              f"{statistics.median(firsts):.1f} ms; last display of each call p50 "
              f"{figures[f'last_{who}_p50']:.1f} ms, p99 {figures[f'last_{who}_p99']:.1f} ms")
    print(f"{tag} call -> display ratio hall/bare: p50 {figures['call_ratio_p50']:.2f}, "
          f"p99 {figures['call_ratio_p99']:.2f}; last display p50 {figures['last_ratio_p50']:.2f}, "
          f"p99 {figures['last_ratio_p99']:.2f}", flush=True)
    return figures


def calls_during_reports(base: str, tokens: dict[str, str], args: argparse.Namespace,
                         quiet: list[float], kind: str) -> None:
    """The calls again while a manager's reports run back to back; prints both latencies."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    manager = {"Authorization": f"Bearer {tokens['manager']}"}
    officer = {"Authorization": f"Bearer {tokens['officer1']}"}
    requests.post(f"{base}/api/v1/counters/1/finish", headers=officer, timeout=30)
    stop, took = threading.Event(), []

    def reporting() -> None:
        paths = (f"/api/v1/stats/tickets?from={day}&to={day}&format=xlsx",
                 f"/api/v1/stats/workbook?from={day}&to={day}")
        while not stop.is_set():
            for path in paths:
                started = time.monotonic()
                answer = requests.get(base + path, headers=manager, timeout=600)
                assert answer.status_code == 200, answer.text[:300]
                took.append(time.monotonic() - started)

    worker = threading.Thread(target=reporting, daemon=True)
    worker.start()
    time.sleep(0.5)
    during = clients.hall_calls(base, tokens, args.displays, args.calls).times
    stop.set()
    worker.join()
    for label, times in (("quiet", quiet), ("during reports", during)):
        print(f"[{kind}] call -> {args.displays} displays, {label}: p50 {statistics.median(times):.1f} ms, "
              f"p99 {clients.percentile(times, 0.99):.1f} ms, max {max(times):.1f} ms")
    print(f"[{kind}] reports meanwhile: {len(took)} files, {statistics.median(took):.2f} s each "
          "(median)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--busy-clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--displays", type=int, default=200)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--report-during", action="store_true",
                        help="measure the calls again while reports are being downloaded")
    args = parser.parse_args()
    kinds = ["sqlite"] + (["postgresql"] if os.environ.get("HALL_TEST_DATABASE_URL") else [])
    results: dict[str, list[Figures]] = {kind: [] for kind in kinds}
    for number in range(1, args.runs + 1):
        print(f"--- run {number} of {args.runs}", flush=True)
        for kind in kinds:
            results[kind].append(run(kind, args))
    print()
    print(summary(results, args.clients, args.busy_clients, args.displays))


if __name__ == "__main__":
    main()
