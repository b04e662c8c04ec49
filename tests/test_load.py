"""A busy hall against one real `hall run` process: kiosks, a kiosk on a slow link, counters,
Socket.IO displays, a display fetching spoken calls and a queue probe, all at once. Nothing
may answer 5xx, stall for 2 s or lose a ticket (SQLite file, and PostgreSQL when set)."""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter as Tally
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from hall.models import Field
from hall.models import Ticket
from hall.store.db import session_scope
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import World
from tests.factories import build_world
from tests.loadkit import TIMEOUT_S
from tests.loadkit import Display
from tests.loadkit import Quota
from tests.loadkit import Record
from tests.loadkit import close_displays
from tests.loadkit import connect_displays
from tests.loadkit import counter
from tests.loadkit import kiosk
from tests.loadkit import longest_gap
from tests.loadkit import probe
from tests.loadkit import slow_kiosk
from tests.loadkit import voice_display
from tests.servers import Server

KIOSKS = 10
# Enough tickets that a stall of the whole process (seconds long, a few times a minute when
# a request holds the database across a wait) cannot slip between two probes unseen; fewer
# on PostgreSQL, where each ticket costs more round trips, to keep the run near a minute.
TICKETS = {"sqlite": 2000, "postgresql": 1500}
FIELDS = ["HT", "CT", "DD"]
DISPLAYS = 20
SLOW_BODY_AFTER_S = 3.0
SLOW_ISSUES = 3  # the run lasts until the slow kiosk got this many tickets, however fast the rest
PROBE_EVERY_S = 0.1
VOICE_EVERY_S = 0.5
MAX_WAIT_S = 2.0
DEADLINE_S = 90.0
# A hall that stopped answering for this long has failed: stop loading it and report.
GIVE_UP_S = 3 * MAX_WAIT_S
OFFICERS = {1: "officer1", 2: "officer2"}
ANSWERS = {"issue": {201}, "slow-issue": {201}, "counter": {200, 204}, "probe": {200},
           "voice": {200} if shutil.which("espeak-ng") else {200, 503}}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(kind, url): a fresh SQLite file, or a fresh PostgreSQL database (skipped when none is set)."""
    url: str = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    return request.param, url


def run_hall(server: Server, world: World, displays: list[Display], tickets: int,
             record: Record) -> tuple[float, float, list[str]]:
    """Every actor at once until the kiosks issued `tickets`; returns start, end, hung actors."""
    stop = threading.Event()
    quota = Quota(tickets, stop)
    base, tokens = server.url, world.tokens
    kiosks = [threading.Thread(target=kiosk, name=f"kiosk{n}", daemon=True,
                               args=(base, tokens["kiosk"], FIELDS, n, quota, record))
              for n in range(KIOSKS)]  # fmt: skip
    others = [
        threading.Thread(target=slow_kiosk, name="slow-kiosk", daemon=True, args=(
            "127.0.0.1", server.port, tokens["kiosk"], "CT", SLOW_BODY_AFTER_S, stop, record)),
        *(threading.Thread(target=counter, name=f"counter{n}", daemon=True,
                           args=(base, tokens[who], n, stop, record)) for n, who in OFFICERS.items()),
        threading.Thread(target=voice_display, name="voice", daemon=True, args=(
            base, tokens["display"], displays[0], VOICE_EVERY_S, stop, record)),
        threading.Thread(target=probe, name="probe", daemon=True,
                         args=(base, tokens["display"], PROBE_EVERY_S, stop, record)),
    ]  # fmt: skip
    start = time.monotonic()
    for thread in others + kiosks:
        thread.start()
    while (any(t.is_alive() for t in kiosks) or len(record.of("slow-issue")) < SLOW_ISSUES) \
            and time.monotonic() < start + DEADLINE_S:
        time.sleep(0.2)
        if failing(record, start):
            break
    stop.set()  # at the deadline or on a failure the kiosks take no more tickets either
    end = time.monotonic()
    for thread in kiosks + others:
        thread.join(TIMEOUT_S + SLOW_BODY_AFTER_S + 5)
    return start, end, [t.name for t in kiosks + others if t.is_alive()]


def failing(record: Record, start: float) -> bool:
    """A 5xx or no answer, or a queue probe silent for GIVE_UP_S: no need to go on."""
    last = max(record.probe_times, default=start)
    return time.monotonic() - last > GIVE_UP_S or any(
        s.status == 0 or s.status >= 500 for s in record.samples)


def tickets_in(database_url: str) -> list[tuple[int, str, Any, str]]:
    """(id, field code, service day, number) of every ticket the database holds."""
    app = make_app(database_url)
    try:
        with session_scope(app) as session:
            rows = session.execute(
                select(Ticket.id, Field.code, Ticket.service_day, Ticket.number)
                .join(Field, Ticket.field_id == Field.id)
            ).all()
    finally:
        app.extensions["hall.engine"].dispose()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def summary(record: Record, start: float, end: float, log: str) -> str:
    """What happened, per kind of request: for the failure message and `pytest -s`."""
    lines = [f"run {end - start:.1f} s, {len(record.issued)} tickets issued"]
    for kind in ANSWERS:
        samples = record.of(kind)
        worst = max(samples, key=lambda s: s.seconds, default=None)
        lines.append(f"  {kind:10} {len(samples):5} requests, statuses "
                     f"{dict(sorted(Tally(s.status for s in samples).items()))}, slowest "
                     f"{worst.seconds if worst else 0:.2f} s")
    lines.append(f"  probe: longest gap {longest_gap(record.probe_times, start, end):.2f} s")
    lines.append(f"  server log: {log.count('Traceback')} tracebacks, "
                 f"{log.count('database is locked')} 'database is locked'")
    return "\n".join(lines)


@pytest.mark.load
def test_a_busy_hall_keeps_answering(database: tuple[str, str], tmp_path: Path) -> None:
    kind, database_url = database
    app = make_app(database_url)
    world = build_world(app, Clock().now)
    app.extensions["hall.engine"].dispose()
    # An empty voice cache of its own, so each new call really runs espeak-ng.
    server = Server(database_url, log_path=tmp_path / "server.log",
                    env={"HALL_VOICE_CACHE": str(tmp_path / "voice")})
    record = Record()
    with server:
        displays = connect_displays(server.url, world.tokens["display"], DISPLAYS)
        try:
            start, end, hung = run_hall(server, world, displays, TICKETS[kind], record)
            time.sleep(1)  # the last coalesced queue.changed is still on its way
            seen = [dict(display.counts) for display in displays]
            dropped = sum(display.disconnects for display in displays)
        finally:
            close_displays(displays)
    log = server.log()
    report = summary(record, start, end, log)
    print(report)

    assert not hung, f"{hung} never came back\n{report}"
    assert not record.errors, f"{record.errors[:3]}\n{report}"
    wrong = [s for s in record.samples if s.status not in ANSWERS[s.kind]]
    assert not wrong, f"{len(wrong)} unexpected answers, e.g. {wrong[:3]}\n{report}"
    slow = sorted((s for s in record.samples if s.seconds >= MAX_WAIT_S), key=lambda s: -s.seconds)
    assert not slow, f"{len(slow)} answers took {MAX_WAIT_S} s or more, e.g. {slow[:3]}\n{report}"
    gap = longest_gap(record.probe_times, start, end)
    assert gap < MAX_WAIT_S, f"the queue probe went {gap:.1f} s without an answer\n{report}"
    assert len(record.of("issue")) == TICKETS[kind], f"the kiosks did not finish in {DEADLINE_S} s\n{report}"
    assert len(record.of("slow-issue")) >= SLOW_ISSUES, report
    assert len(record.of("voice")) >= 5, f"too few new calls were spoken\n{report}"

    # A failure in a background task (the queue.changed broadcast, printing) answers no request.
    assert "Traceback" not in log, log[log.index("Traceback"):][:3000]
    # the server runs in strict mode: no write left unmarked, no write gate held across a switch
    assert "held across a greenlet switch" not in log and "read transaction" not in log, log[-3000:]
    assert dropped == 0, f"{dropped} displays were disconnected\n{report}"
    for counts in seen:
        assert counts.get("ticket.called", 0) > 0 and counts.get("queue.changed", 0) > 0, counts

    answers = {t["id"]: (t["field"]["code"], t["number"]) for t in record.issued}
    assert len(answers) == len(record.issued), "two answers carry the same ticket id"
    rows = tickets_in(database_url)
    stored = {row[0]: (row[1], row[3]) for row in rows}
    assert len(stored) == len(rows)
    assert stored == answers, (f"{len(set(stored) - set(answers))} tickets nobody was told about, "
                               f"{len(set(answers) - set(stored))} answered but not stored")
    numbers = Tally((code, day, number) for _, code, day, number in rows)
    assert max(numbers.values()) == 1, [key for key, n in numbers.items() if n > 1][:5]
