"""A province's hall on several processes, and what it survives: four processes sharing
PostgreSQL and Redis under kiosks and counters; one of them killed with -9; Redis and then
PostgreSQL restarted under load; and the commune's hall killed in the middle of issuing.
Nothing answered 201 may be lost, no number given twice, no ticket called twice, no 500 and
no hang: while a service is down the answer is a clear 503."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import text

from hall.store.db import make_engine
from tests.conftest import needs_redis
from tests.faults import ANSWER_TIMEOUT_S
from tests.faults import Outcome
from tests.faults import PrivatePostgres
from tests.faults import PrivateRedis
from tests.faults import issuer
from tests.faults import join_all
from tests.faults import officer
from tests.faults import run_threads
from tests.faults import staffed_world
from tests.faults import start_all
from tests.listener import Listener
from tests.listener import close_all
from tests.servers import Server

PER_KIOSK = 8  # tickets each of the 16 kiosks takes in the four-process test


def stored(url: str, query: str) -> list[tuple[Any, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()


def check_the_books(url: str, outcome: Outcome) -> None:
    """Every ticket answered 201 is stored with its number; no number twice in a field's
    day; no ticket called twice (a recall is not a call)."""
    tickets = dict(stored(url, "SELECT id, number FROM tickets"))
    missing = {ident for ident in outcome.issued if tickets.get(ident) != outcome.issued[ident]}
    assert not missing, f"{len(missing)} tickets answered 201 are not stored as answered"
    assert stored(url, "SELECT service_day, field_id, number, count(*) FROM tickets "
                  "WHERE transferred_from_id IS NULL "
                  "GROUP BY service_day, field_id, number HAVING count(*) > 1") == []
    assert stored(url, "SELECT ticket_id, count(*) FROM ticket_events WHERE kind = 'called' "
                  "GROUP BY ticket_id HAVING count(*) > 1") == []
    assert len(set(outcome.called)) == len(outcome.called)


def wait_until(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.1)


def called_ids(listener: Listener) -> set[int]:
    return {event["ticket"]["id"] for event in listener.events("ticket.called")}


@pytest.mark.postgres
@pytest.mark.redis
def test_four_processes_share_one_hall(pg_url: str, tmp_path: Path) -> None:
    """16 kiosks and 8 counters spread over four processes: every call reaches the displays
    connected to every process."""
    redis_url = needs_redis()
    world, officers = staffed_world(pg_url, 8)
    channel = f"hall-test-{uuid.uuid4().hex[:8]}"
    servers = [Server(pg_url, redis_url, channel, log_path=tmp_path / f"server{n}.log")
               for n in range(4)]
    start_all(servers)
    displays: list[Listener] = []
    try:
        displays = [Listener(server.url, world.tokens["display"]) for server in servers]
        for display in displays:
            display.wait_for("state")
        outcome = Outcome()
        kiosks = run_threads([(issuer, (servers, n, world.tokens["kiosk"], PER_KIOSK, outcome))
                              for n in range(16)])

        def kiosks_done() -> bool:
            return not any(thread.is_alive() for thread in kiosks)

        counters = run_threads([(officer, (servers, n, number, token, kiosks_done, outcome))
                                for n, (number, token) in enumerate(officers.items())])
        join_all(kiosks + counters, 90)
        assert not outcome.problems, outcome.problems[:5]
        assert outcome.lost == 0 and len(outcome.issued) == 16 * PER_KIOSK
        assert set(outcome.statuses) <= {200, 201, 204}, outcome.statuses
        check_the_books(pg_url, outcome)
        assert sorted(outcome.called) == sorted(outcome.issued)  # all served, once each
        for display in displays:
            wait_until(lambda d=display: called_ids(d) >= set(outcome.called), 10,
                       "every call on every process's display")
    finally:
        close_all(displays)
        for server in servers:
            server.stop()
    for server in servers:
        assert "Traceback" not in server.log(), server.log()[-2000:]


@pytest.mark.postgres
@pytest.mark.redis
def test_a_process_killed_under_load(pg_url: str, tmp_path: Path) -> None:
    """kill -9 one of four processes while kiosks and counters work: every ticket answered
    201 is stored; displays on the other processes never stop hearing calls; a display of
    the killed one reconnects to another and is brought up to date by its `state`."""
    redis_url = needs_redis()
    world, officers = staffed_world(pg_url, 4)
    channel = f"hall-test-{uuid.uuid4().hex[:8]}"
    servers = [Server(pg_url, redis_url, channel) for _ in range(4)]
    start_all(servers)
    displays: list[Listener] = []
    try:
        displays = [Listener(server.url, world.tokens["display"]) for server in servers]
        orphan = displays[3]
        lost_connection = threading.Event()
        orphan.client.on("disconnect", lambda *_: lost_connection.set())
        for display in displays:
            display.wait_for("state")
        outcome = Outcome()
        kiosks = run_threads([(issuer, (servers, n, world.tokens["kiosk"], 25, outcome, 0.02))
                              for n in range(8)])

        def kiosks_done() -> bool:
            return not any(thread.is_alive() for thread in kiosks)

        counters = run_threads([(officer, (servers, n, number, token, kiosks_done, outcome))
                                for n, (number, token) in enumerate(officers.items())])
        wait_until(lambda: len(outcome.called) >= 12, 30, "twelve calls before the kill")
        victim = servers[3].process
        assert victim is not None
        victim.kill()  # SIGKILL: no goodbye to anyone
        victim.wait()
        killed_at_calls = len(outcome.called)
        assert lost_connection.wait(10), "the killed process's display did not notice"
        join_all(kiosks + counters, 120)
        assert not outcome.problems, outcome.problems[:5]
        assert len(outcome.called) > killed_at_calls + 12  # the hall went on working
        check_the_books(pg_url, outcome)
        after_kill = set(outcome.called[killed_at_calls:])
        for display in displays[:3]:
            wait_until(lambda d=display: called_ids(d) >= after_kill, 10,
                       "calls after the kill on the living processes' displays")
        # the orphan reconnects where nginx sends it now, and the state tells it the truth
        moved = Listener(servers[0].url, world.tokens["display"])
        displays.append(moved)
        state = moved.wait_for("state")[0]
        waiting = dict(stored(pg_url, "SELECT f.code, count(t.id) FROM fields f LEFT JOIN "
                              "tickets t ON t.field_id = f.id AND t.status = 'waiting' "
                              "GROUP BY f.code"))
        assert {line["code"]: line["waiting"] for line in state["fields"]} == waiting
        served = {ticket for (ticket,) in stored(pg_url, "SELECT id FROM tickets WHERE status = 'done'")}
        assert set(outcome.called) <= served
    finally:
        close_all([display for display in displays if display.client.connected])
        for server in servers:
            server.stop()


@pytest.mark.postgres
def test_redis_then_postgresql_restarted_under_load(tmp_path: Path) -> None:
    """Two processes on a private Redis and a private PostgreSQL: each is stopped for a
    few seconds and started again while kiosks and counters keep working. Meanwhile the
    answers are 2xx or a clear 503, never a 500 or a hang; afterwards everything works
    again, events cross between the processes again, and no answered ticket is missing."""
    redis = PrivateRedis()
    postgres = PrivatePostgres()
    redis.start()
    postgres.start()
    servers: list[Server] = []
    displays: list[Listener] = []
    try:
        world, officers = staffed_world(postgres.url, 2)
        servers = [Server(postgres.url, redis.url, "hall-restart",
                          log_path=tmp_path / f"server{n}.log") for n in range(2)]
        start_all(servers)
        displays = [Listener(server.url, world.tokens["display"]) for server in servers]
        outcome = Outcome()
        stop = threading.Event()

        def kiosks_done() -> bool:
            return stop.is_set()

        def kiosk(offset: int) -> None:
            while not stop.is_set():
                issuer(servers, offset, world.tokens["kiosk"], 1, outcome, 0.05)

        load = run_threads([(kiosk, (n,)) for n in range(4)])
        load += run_threads([(officer, (servers, n, number, token, kiosks_done, outcome))
                             for n, (number, token) in enumerate(officers.items())])
        health: list[int] = []

        def outage(service: PrivateRedis | PrivatePostgres) -> None:
            time.sleep(1.5)
            service.stop()
            time.sleep(1.0)
            health.append(requests.get(servers[0].url + "/healthz", timeout=ANSWER_TIMEOUT_S)
                          .status_code)
            time.sleep(2.0)
            service.start()

        outage(redis)
        outage(postgres)
        issued_before_recovery = len(outcome.issued)
        wait_until(lambda: len(outcome.issued) > issued_before_recovery + 20, 30,
                   "kiosks issuing again after the restarts")
        stop.set()
        join_all(load, 60)
        assert health == [503, 503]
        assert not outcome.problems, outcome.problems[:5]
        assert set(outcome.statuses) <= {200, 201, 204, 503}, outcome.statuses
        assert outcome.statuses.get(503, 0) > 0  # the outage was met, and answered clearly
        wait_until(lambda: all(requests.get(server.url + "/healthz", timeout=5).status_code == 200
                               for server in servers), 20, "healthy again")
        check_the_books(postgres.url, outcome)
        # events cross the processes through the restarted Redis again
        ticket = servers[0].api("POST", "/tickets", world.tokens["kiosk"], json={"field": "HT"})
        assert ticket.status_code == 201
        number, token = next(iter(officers.items()))
        called = servers[0].api("POST", f"/counters/{number}/call-next", token)
        assert called.status_code == 200 and called.json()["id"] == ticket.json()["id"]
        wait_until(lambda: ticket.json()["id"] in called_ids(displays[1]), 20,
                   "the other process's display hears the call")
    finally:
        close_all([display for display in displays if display.client.connected])
        for server in servers:
            server.stop()
        redis.stop()
        postgres.remove()
    for server in servers:
        assert " 500 " not in server.log()


def test_the_commune_hall_killed_while_issuing(tmp_path: Path) -> None:
    """SQLite: kill -9 in the middle of issuing, start again: the file opens, every ticket
    answered 201 is there, and numbering goes on without giving a number twice."""
    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    world, _ = staffed_world(url, 1)
    server = Server(url)
    server.start()
    outcome = Outcome()
    try:
        kiosks = run_threads([(issuer, ([server], n, world.tokens["kiosk"], 10_000, outcome))
                              for n in range(6)])
        wait_until(lambda: len(outcome.issued) >= 150, 30, "150 tickets before the plug is pulled")
        assert server.process is not None
        server.process.kill()
        server.process.wait()
        join_all(kiosks, 30)  # their next requests are refused: they stop
    finally:
        server.stop()
    assert not outcome.problems, outcome.problems[:5]
    check_the_books(url, outcome)
    with Server(url) as again:
        more = [again.api("POST", "/tickets", world.tokens["kiosk"], json={"field": field})
                for field in ("HT", "CT", "DD")]
        assert [answer.status_code for answer in more] == [201, 201, 201]
        for answer in more:
            outcome.issued[answer.json()["id"]] = answer.json()["number"]
    check_the_books(url, outcome)
    assert stored(url, "PRAGMA integrity_check") == [("ok",)]
