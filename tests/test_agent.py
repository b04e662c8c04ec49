"""The print agent end to end: a real server, the agent process, a fake network printer."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import build_world
from tests.fake_printer import FakePrinter
from tests.servers import ROOT
from tests.servers import Server


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[tuple[Server, dict[str, str]]]:
    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    app = make_app(url)
    world = build_world(app, Clock().now)
    app.extensions["hall.engine"].dispose()
    with Server(url) as server:
        kiosk = server.api("POST", "/devices", world.tokens["admin"], json={
            "kind": "kiosk", "name": "Ki-ốt có máy in USB", "printer": "agent"}).json()
        yield server, {**world.tokens, "agent_kiosk": kiosk["token"]}


def start_agent(server: Server, token: str, printer: FakePrinter, state: Path) -> Any:
    return subprocess.Popen(
        [sys.executable, "-m", "printer.agent", "--server", server.url,
         "--printer", printer.address, "--state", str(state)],  # the token from the environment
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "HALL_KIOSK_TOKEN": token},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process: Any) -> None:
    process.terminate()
    process.wait(10)


def waiting_jobs(server: Server, tokens: dict[str, str]) -> int:
    devices = server.api("GET", "/devices", tokens["manager"]).json()
    return sum(d["print_jobs_waiting"] for d in devices if d["printer"] == "agent")


def wait_for(condition: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_agent_prints_resends_after_reconnect_and_never_twice(
        hall: tuple[Server, dict[str, str]], tmp_path: Path) -> None:
    server, tokens = hall
    state = tmp_path / "printed.json"
    with FakePrinter() as printer:
        agent = start_agent(server, tokens["agent_kiosk"], printer, state)
        try:
            time.sleep(1.5)  # let it connect
            first = server.api("POST", "/tickets", tokens["agent_kiosk"], json={"field": "HT"})
            assert first.status_code == 201 and first.json()["print"]["status"] == "pending"
            assert len(printer.wait_for_jobs(1)) == 1
            wait_for(lambda: waiting_jobs(server, tokens) == 0)
        finally:
            stop(agent)
        # The agent is away: the ticket is still issued and its job waits on the server.
        second = server.api("POST", "/tickets", tokens["agent_kiosk"], json={"field": "CT"})
        assert second.status_code == 201
        time.sleep(0.5)
        assert waiting_jobs(server, tokens) == 1 and len(printer.jobs) == 1
        agent = start_agent(server, tokens["agent_kiosk"], printer, state)
        try:
            assert len(printer.wait_for_jobs(2)) == 2
            wait_for(lambda: waiting_jobs(server, tokens) == 0)
            time.sleep(1)
            assert len(printer.jobs) == 2  # the first job was not printed again
        finally:
            stop(agent)


def test_agent_token_must_be_a_kiosk(hall: tuple[Server, dict[str, str]]) -> None:
    import socketio

    server, tokens = hall
    client = socketio.Client(reconnection=False)
    jobs: list[Any] = []
    client.on("print.job", jobs.append)
    client.connect(server.url, auth={"token": tokens["display"], "agent": True},
                   transports=["websocket"], wait_timeout=5)
    try:
        server.api("POST", "/tickets", tokens["agent_kiosk"], json={"field": "HT"})
        time.sleep(0.5)
        assert jobs == []  # a display never receives a kiosk's print jobs
    finally:
        client.disconnect()
