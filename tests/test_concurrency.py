"""Kiosks and counters at once, in separate OS processes and in threads: no duplicate
number, no double call, no lost ticket, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections import Counter as Tally
from typing import Any

import pytest
from sqlalchemy import select

from hall.models import Ticket
from hall.models import TicketEvent
from hall.store.db import session_scope
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import build_world
from tests.workers import issue_many
from tests.workers import serve_until_empty

KIOSKS, PER_KIOSK = 4, 20
FIELDS = ["HT", "CT"]


def run_hall(database_url: str, parallel: Any) -> list[tuple[str, int, Any]]:
    """Four kiosks and three counters at once; `parallel` is a process or thread module."""
    app = make_app(database_url)
    world = build_world(app, Clock().now)
    app.extensions["hall.engine"].dispose()
    start, issuing_done, results = parallel.Event(), parallel.Event(), parallel.Queue()
    Worker = parallel.Process
    kiosks = [Worker(target=issue_many, daemon=True, args=(
        database_url, world.tokens["kiosk"], FIELDS, PER_KIOSK, start, results))
        for _ in range(KIOSKS)]  # fmt: skip
    counters = [Worker(target=serve_until_empty, daemon=True, args=(
        database_url, world.tokens[f"officer{n}"], n, start, issuing_done, results))
        for n in (1, 2, 3)]  # fmt: skip
    for worker in kiosks + counters:
        worker.start()
    start.set()
    collected: list[tuple[str, int, Any]] = []
    deadline = time.monotonic() + 120
    # Drain while waiting: a process with unread queue items cannot exit.
    while any(w.is_alive() for w in kiosks + counters) and time.monotonic() < deadline:
        if not any(w.is_alive() for w in kiosks):
            issuing_done.set()
        try:
            collected.append(results.get(timeout=0.05))
        except queue.Empty:
            pass
    assert not any(worker.is_alive() for worker in kiosks + counters), "a worker hung"
    while True:
        try:
            collected.append(results.get(timeout=0.2))
        except queue.Empty:
            return collected


def check(database_url: str, results: list[tuple[str, int, Any]]) -> None:
    assert all(status in (200, 201) for _, status, _ in results), [
        r for r in results if r[1] not in (200, 201)][:3]
    issued = [body for kind, _, body in results if kind == "issued"]
    called = [body for kind, _, body in results if kind == "called"]
    assert len(issued) == KIOSKS * PER_KIOSK
    numbers = [(t["field"]["code"], t["number"]) for t in issued]
    assert len(set(numbers)) == len(numbers), "a number was handed out twice"
    for code, prefix in (("HT", "A"), ("CT", "B")):
        mine = sorted(n for c, n in numbers if c == code)
        assert mine == [f"{prefix}{i:03d}" for i in range(1, len(mine) + 1)]
    assert sorted(t["id"] for t in called) == sorted(t["id"] for t in issued), "lost or double call"
    # Counters really worked side by side (which of them wins each ticket is the scheduler's
    # choice: a counter whose fields another also serves may find nothing left).
    assert len({c["counter"] for c in called}) >= 2
    with session_scope(make_app(database_url)) as session:
        statuses = Tally(session.scalars(select(Ticket.status)))
        calls = Tally(session.scalars(select(TicketEvent.ticket_id).where(TicketEvent.kind == "called")))
    assert statuses == {"done": KIOSKS * PER_KIOSK}
    assert set(calls.values()) == {1}


def test_processes_on_sqlite(sqlite_url: str) -> None:
    check(sqlite_url, run_hall(sqlite_url, multiprocessing.get_context("spawn")))


def test_threads_on_sqlite(sqlite_url: str) -> None:
    check(sqlite_url, run_hall(sqlite_url, _ThreadKit()))


class _ThreadKit:
    """The slice of the multiprocessing API run_hall uses, with threads."""

    Event = threading.Event
    Queue = queue.Queue

    class Process(threading.Thread):
        def __init__(self, target: Any, args: Any, daemon: bool) -> None:
            super().__init__(target=target, args=args, daemon=daemon)


@pytest.mark.postgres
def test_processes_on_postgres(pg_url: str) -> None:
    check(pg_url, run_hall(pg_url, multiprocessing.get_context("spawn")))
