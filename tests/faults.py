"""Parts for the fault tests: a hall of several real processes with load spread over them
(as nginx spreads it, passing a refused request on to the next process), and services this
test owns so it may stop and start them: a private Redis and a private PostgreSQL cluster."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select

from hall.engine import admin
from hall.engine import auth
from hall.models import Centre
from hall.store.db import session_scope
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import World
from tests.factories import build_world
from tests.servers import Server
from tests.servers import free_port

ANSWER_TIMEOUT_S = 10.0  # a request unanswered this long is a hang, and fails the test
FIELDS = ["HT", "CT", "DD"]


def staffed_world(database_url: str, counters: int) -> tuple[World, dict[int, str]]:
    """The test world plus counters up to `counters`, each serving every field, and an
    officer's token for each: (world, {counter number: token})."""
    app = make_app(database_url)
    world = build_world(app, Clock().now)
    tokens = {1: world.tokens["officer1"], 2: world.tokens["officer2"], 3: world.tokens["officer3"]}
    with session_scope(app, writing=True) as session:
        centre = session.scalars(select(Centre).order_by(Centre.id)).first()
        assert centre is not None
        for number in range(4, counters + 1):
            admin.add_counter(session, centre, number, "", FIELDS)
            officer = admin.add_user(session, centre, f"officer{number}", "officer",
                                     "mật-khẩu-thử", Clock().now)
            tokens[number] = auth.issue_user_token(session, officer, Clock().now)
        session.commit()
    app.extensions["hall.engine"].dispose()
    return world, {number: tokens[number] for number in range(1, counters + 1)}


def start_all(servers: list[Server]) -> None:
    """Start the processes side by side (each takes a second or two to answer)."""
    failures: list[BaseException] = []

    def start(server: Server) -> None:
        try:
            server.start()
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(server,)) for server in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        for server in servers:
            server.stop()
        raise failures[0]


@dataclass
class Outcome:
    """What the load saw: answers by status, tickets answered 201, calls answered 200."""

    statuses: dict[int, int] = field(default_factory=dict)
    issued: dict[int, str] = field(default_factory=dict)  # ticket id -> number
    called: list[int] = field(default_factory=list)
    lost: int = 0  # connections refused or cut (a process gone): passed on to the next
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, response: requests.Response) -> None:
        with self.lock:
            self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                body = response.json() if response.headers.get("Content-Type", "").startswith(
                    "application/json") else {}
                code = body.get("error", {}).get("code") if isinstance(body, dict) else None
                if response.status_code != 503 or not code:
                    self.problems.append(f"{response.status_code}: {response.text[:200]}")


class Spread:
    """Requests sent to the processes in turn; a process that refuses the connection is
    skipped for the next, as nginx's `proxy_next_upstream error` does."""

    def __init__(self, servers: list[Server], offset: int, outcome: Outcome) -> None:
        self.servers = servers
        self.turn = itertools.count(offset)
        self.outcome = outcome
        self.http = requests.Session()

    def send(self, method: str, path: str, token: str, **kwargs: Any) -> requests.Response | None:
        for _ in range(len(self.servers)):
            server = self.servers[next(self.turn) % len(self.servers)]
            try:
                response = self.http.request(
                    method, f"{server.url}/api/v1{path}", timeout=ANSWER_TIMEOUT_S,
                    headers={"Authorization": f"Bearer {token}"}, **kwargs)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                # refused, or cut off in the middle of the answer by the kill
                with self.outcome.lock:
                    self.outcome.lost += 1
                continue
            except requests.Timeout:
                with self.outcome.lock:
                    self.outcome.problems.append(f"{method} {path} hung on {server.url}")
                return None
            self.outcome.note(response)
            return response
        return None


def issuer(servers: list[Server], offset: int, token: str, count: int, outcome: Outcome,
           pause_s: float = 0.0) -> None:
    spread = Spread(servers, offset, outcome)
    for index in range(count):
        response = spread.send("POST", "/tickets", token, json={"field": FIELDS[(offset + index) % 3]})
        if response is None:
            return  # no process answers (all gone, or one hung: noted as a problem)
        if response.status_code == 201:
            ticket = response.json()
            with outcome.lock:
                outcome.issued[ticket["id"]] = ticket["number"]
        time.sleep(pause_s)


def officer(servers: list[Server], offset: int, number: int, token: str, done: Callable[[], bool],
            outcome: Outcome) -> None:
    """Open the counter, then call and finish until the kiosks are done and nobody waits."""
    spread = Spread(servers, offset, outcome)
    while (opened := spread.send("POST", f"/counters/{number}/open", token)) is None or \
            opened.status_code != 200:
        if done():
            return
        time.sleep(0.2)
    idle_after_done = 0
    while idle_after_done < 3:
        response = spread.send("POST", f"/counters/{number}/call-next", token)
        if response is not None and response.status_code == 200:
            with outcome.lock:
                outcome.called.append(response.json()["id"])
            while (finished := spread.send("POST", f"/counters/{number}/finish", token)) is None \
                    or finished.status_code == 503:
                time.sleep(0.1)
            continue
        if response is not None and response.status_code == 409 and \
                response.json()["error"]["code"] == "ticket_in_progress":
            spread.send("POST", f"/counters/{number}/finish", token)  # its last answer was lost
            continue
        if done():
            idle_after_done += 1
        time.sleep(0.05)


def run_threads(targets: list[tuple[Callable[..., None], tuple[Any, ...]]]) -> list[threading.Thread]:
    threads = [threading.Thread(target=target, args=args, daemon=True) for target, args in targets]
    for thread in threads:
        thread.start()
    return threads


def join_all(threads: list[threading.Thread], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [thread for thread in threads if thread.is_alive()]
    assert not stuck, f"{len(stuck)} load threads still running after {timeout} s"


class PrivateRedis:
    """A redis-server of the test's own, on a free port, that the test stops and starts."""

    def __init__(self) -> None:
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed: the Redis restart needs its own Redis")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (initdb in a temporary folder, a free port),
    so the test may restart it. The server refuses to run as root: as root it runs as the
    `postgres` user, as any other user as that user."""

    def __init__(self) -> None:
        binaries = Path("/usr/lib/postgresql")
        found = sorted(binaries.glob("*/bin/initdb")) if binaries.exists() else []
        initdb = str(found[-1]) if found else shutil.which("initdb")
        if initdb is None:
            pytest.skip("PostgreSQL's initdb is not installed: the restart needs its own cluster")
        self.bin = Path(initdb).parent
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                pytest.skip("running as root without runuser: cannot start a private PostgreSQL")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.folder = Path(tempfile.mkdtemp(prefix="hall-pg-"))
        if self.as_user:
            shutil.chown(self.folder, "postgres")
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        subprocess.run([*self.as_user, str(self.bin / "initdb"), "-D", str(self.folder / "data"),
                        "-A", "trust", "-U", "postgres", "--no-sync"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [*self.as_user, str(self.bin / "postgres"), "-D", str(self.folder / "data"),
             "-p", str(self.port), "-k", str(self.folder), "-c", "listen_addresses=127.0.0.1",
             "-c", "fsync=off", "-c", "max_connections=200"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        import psycopg

        deadline = time.monotonic() + 20
        while True:  # the port opens before the server takes connections
            try:
                psycopg.connect(self.url, connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        """A fast shutdown (what `systemctl restart postgresql` does): sessions are cut."""
        if self.process is not None and self.process.poll() is None:
            subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"),
                            "-m", "fast", "-w", "stop"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30)
            self.process.wait(30)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def wait_for_port(port: int, timeout: float = 20) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")
