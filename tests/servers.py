"""Real server processes for tests: `hall run` under gevent on 127.0.0.1, a free port each."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

from tests.conftest import TEST_VOICE_CACHE
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import World
from tests.factories import build_world

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`with Server(database_url) as server:` serves until the block ends (or the test dies)."""

    def __init__(self, database_url: str, redis_url: str | None = None,
                 channel: str = "hall-test", port: int | None = None,
                 env: dict[str, str] | None = None, log_path: Path | None = None) -> None:
        self.port = port or free_port()
        self.log_path = log_path  # the server's stderr goes there (else to a pipe)
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "HALL_DATABASE_URL": database_url,
                    "HALL_SOCKETIO_CHANNEL": channel, "PYTHONPATH": str(ROOT),
                    "HALL_SECRET_KEY": "test-secret", "HALL_VOICE_CACHE": TEST_VOICE_CACHE,
                    # an unmarked write raises, a held write gate across a switch is logged
                    "HALL_STRICT_TRANSACTIONS": "1",
                    # every API answer is checked against the OpenAPI document
                    "HALL_CHECK_RESPONSES": "1",
                    # the tests issue hundreds of tickets a minute per kiosk token; the limits
                    # themselves are tested with their own settings (tests/test_limits.py)
                    "HALL_ISSUE_LIMIT": "100000 per second",
                    "HALL_PRINTERS": "network://127.0.0.1"}  # the fake printers' random ports
        self.env.pop("HALL_REDIS_URL", None)
        self.env.update(env or {})
        if redis_url:
            self.env["HALL_REDIS_URL"] = redis_url
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        log = open(self.log_path, "wb") if self.log_path else None
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.serve", "--port", str(self.port)], env=self.env,
                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log or subprocess.PIPE,
            )
        finally:
            if log:
                log.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log() if self.log_path else (
                    self.process.stderr.read().decode() if self.process.stderr else ""))
            try:
                requests.get(self.url + "/api/v1/openapi.json", timeout=1)
                return self
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the test server did not start")

    def log(self) -> str:
        """What the server wrote to stderr (with `log_path`)."""
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stderr:
            self.process.stderr.close()

    def api(self, method: str, path: str, token: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, f"{self.url}/api/v1{path}", timeout=10,
                                headers={"Authorization": f"Bearer {token}"}, **kwargs)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()


@contextmanager
def serving_worlds(folder: Path, *centres: str) -> Iterator[tuple[Server, list[World], str]]:
    """A SQLite file in `folder` holding the test world (and one more world per centre
    code given), served by a real `hall run`: (server, worlds, database URL)."""
    url = f"sqlite:///{folder / 'hall.sqlite'}"
    app = make_app(url)
    worlds = [build_world(app, Clock().now)]
    worlds += [build_world(app, Clock().now, code) for code in centres]
    app.extensions["hall.engine"].dispose()
    with Server(url) as server:
        yield server, worlds, url
