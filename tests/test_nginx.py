"""The nginx sites in deploy/, run by a real nginx in front of two real hall processes that
share one PostgreSQL database and one Redis: an API call through nginx, a hall display on a
WebSocket through nginx and one on long-polling through nginx, both hearing a call made on
the other process; every request of the polling client reaches the same process (sticky
routing). Each site is the shipped file with only its listen address and upstream servers
replaced; `nginx -t` checks deploy/nginx.conf exactly as it ships."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.conftest import Clock
from tests.conftest import make_app
from tests.conftest import needs_postgres
from tests.conftest import needs_redis
from tests.factories import World
from tests.factories import build_world
from tests.listener import Listener
from tests.listener import close_all
from tests.servers import Server
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
SITES = {"nginx.conf": ROOT / "deploy/nginx.conf",
         "nginx-compose.conf": ROOT / "deploy/nginx-compose.conf"}
LOG_FORMAT = "$request_method $request_uri $status $upstream_addr"


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(path, os.X_OK)), None)
    if not found:
        pytest.skip("nginx is not installed (`make system-deps` installs Debian's nginx)")
    return found


def main_config(folder: Path, site: Path) -> Path:
    """An nginx.conf that keeps every file of nginx in `folder` and includes `site`, as
    Debian's /etc/nginx/nginx.conf includes sites-enabled/ inside its http block."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers reach the files in folder
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    config = folder / "nginx.conf"
    config.write_text(f"""{user}worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} info;
events {{ worker_connections 512; }}
http {{
    log_format test '{LOG_FORMAT}';
    access_log {folder / "access.log"} test;
{temp}
    include {site};
}}
""")
    return config


def render(site: Path, listen: int, upstreams: list[int]) -> str:
    """The site with its listen address and upstream servers replaced for this test; each
    replacement must find exactly what it expects, so a site the test no longer fits fails."""
    text = site.read_text()
    text, listens = re.subn(r"^(\s*)listen\s+80(\s+default_server)?;", rf"\1listen 127.0.0.1:{listen};",
                            text, flags=re.M)
    assert listens == 1 and len(re.findall(r"^\s*listen\s", text, flags=re.M)) == 1, text
    block = re.search(r"upstream hall \{.*?\n\}", text, flags=re.S)
    assert block, "no `upstream hall` block"
    servers = re.findall(r"^\s*server\s+[^;]+;", block.group(0), flags=re.M)
    assert len(servers) == len(upstreams) == 2, servers
    upstream = block.group(0)
    for line, port in zip(servers, upstreams, strict=True):
        upstream = upstream.replace(line, f"    server 127.0.0.1:{port};", 1)
    return text.replace(block.group(0), upstream)


def _die_with_parent() -> None:
    """In the child before exec: nginx gets SIGTERM if the test process dies (Linux)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Nginx:
    url: str
    folder: Path
    process: subprocess.Popen[bytes]

    def requests_logged(self) -> list[tuple[str, str, int, str]]:
        """(method, uri, status, upstream address) of every request nginx has finished."""
        lines = (self.folder / "access.log").read_text().splitlines()
        return [(method, uri, int(status), upstream)
                for method, uri, status, upstream in (line.split(" ", 3) for line in lines)]

    def wait_logged(self, method: str, uri: str) -> list[tuple[str, str, int, str]]:
        """The logged requests once `method uri` is among them: nginx writes a request's line
        just after its answer, so a client may read the answer first."""
        deadline = time.monotonic() + 5
        while True:
            logged = self.requests_logged()
            if any(line[:2] == (method, uri) for line in logged):
                return logged
            assert time.monotonic() < deadline, logged
            time.sleep(0.02)

    def errors(self) -> str:
        return (self.folder / "error.log").read_text(errors="replace")


def run_nginx(folder: Path, site_text: str, port: int) -> Nginx:
    binary = nginx_binary()
    site = folder / "site.conf"
    site.write_text(site_text)
    config = main_config(folder, site)
    checked = subprocess.run([binary, "-t", "-p", f"{folder}/", "-c", str(config), "-e",
                              str(folder / "error.log")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        [binary, "-p", f"{folder}/", "-c", str(config), "-e", str(folder / "error.log"),
         "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent)
    server = Nginx(f"http://127.0.0.1:{port}", folder, process)
    deadline = time.monotonic() + 10
    while True:
        if process.poll() is not None:
            raise RuntimeError(server.errors())
        try:
            requests.get(server.url + "/api/v1/openapi.json", timeout=2)
            return server
        except requests.ConnectionError:
            assert time.monotonic() < deadline, server.errors()
            time.sleep(0.05)


def stop_nginx(server: Nginx) -> None:
    server.process.terminate()  # fast shutdown: open sockets are closed, not waited for
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    if server.process.stderr:
        server.process.stderr.close()


def test_nginx_accepts_the_site_as_it_ships(tmp_path: Path) -> None:
    """`nginx -t` with deploy/nginx.conf included as it is, the way Debian's nginx.conf
    includes a site: no upstream needs to be running for this."""
    config = main_config(tmp_path, SITES["nginx.conf"])
    checked = subprocess.run([nginx_binary(), "-t", "-p", f"{tmp_path}/", "-c", str(config),
                              "-e", str(tmp_path / "error.log")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


@pytest.fixture(scope="module")
def halls(tmp_path_factory: Any) -> Iterator[tuple[Server, Server, World]]:
    """Two `hall run` processes (HALL_PROXY_FIX=1, as behind nginx in production) on a new
    PostgreSQL database and one Redis channel of their own."""
    import psycopg

    nginx_binary()
    base, redis_url = needs_postgres(), needs_redis()
    admin_url = base.replace("postgresql+psycopg://", "postgresql://")
    name = f"hall_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = f"{admin_url.rpartition('/')[0]}/{name}"
    try:
        app = make_app(url)
        world = build_world(app, Clock().now)
        app.extensions["hall.engine"].dispose()
        channel = f"hall-test-{uuid.uuid4().hex[:8]}"
        logs = tmp_path_factory.mktemp("halls")
        env = {"HALL_PROXY_FIX": "1"}
        with Server(url, redis_url, channel, env=env, log_path=logs / "first.log") as first, \
                Server(url, redis_url, channel, env=env, log_path=logs / "second.log") as second:
            yield first, second, world
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=sorted(SITES))
def proxied(request: Any, halls: tuple[Server, Server, World],
            tmp_path: Path) -> Iterator[tuple[Nginx, Server, Server, World]]:
    first, second, world = halls
    port = free_port()
    server = run_nginx(tmp_path, render(SITES[request.param], port, [first.port, second.port]),
                       port)
    try:
        yield server, first, second, world
    finally:
        stop_nginx(server)


def test_screens_through_nginx_hear_a_call_made_on_the_other_process(
        proxied: tuple[Nginx, Server, Server, World]) -> None:
    proxy, first, second, world = proxied
    health = requests.get(proxy.url + "/healthz", timeout=5)
    assert health.status_code == 200 and health.json()["redis"]["ok"], health.text
    ticket = requests.post(proxy.url + "/api/v1/tickets", json={"field": "HT"}, timeout=10,
                           headers={"Authorization": f"Bearer {world.tokens['kiosk']}"})
    assert ticket.status_code == 201, ticket.text
    ticket_id = ticket.json()["id"]
    [(_, _, _, upstream)] = [line for line in proxy.wait_logged("POST", "/api/v1/tickets")
                             if line[:3] == ("POST", "/api/v1/tickets", 201)]
    ports = {f"127.0.0.1:{server.port}": server for server in (first, second)}
    assert upstream in ports, upstream
    other = second if ports[upstream] is first else first  # the process nginx did not pick

    # websocket-client sends the page's Origin, http://127.0.0.1:PORT: hall accepts it only
    # if nginx forwards the host with its port
    display = Listener(proxy.url, world.tokens["display"])
    polling = socketio.Client(reconnection=False)
    heard: list[Any] = []
    polling.on("ticket.called", heard.append)
    officer = world.tokens["officer1"]
    try:
        polling.connect(proxy.url, auth={"token": world.tokens["display"]}, wait_timeout=10,
                        transports=["polling"], headers={"Origin": proxy.url})
        assert polling.transport() == "polling"
        display.wait_for("state")
        assert other.api("POST", "/counters/1/open", officer).status_code == 200
        called = other.api("POST", "/counters/1/call-next", officer)
        assert called.status_code == 200 and called.json()["id"] == ticket_id, called.text
        event = display.wait_for("ticket.called", timeout=10)[0]
        assert event["ticket"]["id"] == ticket_id and event["counter"]["number"] == 1
        deadline = time.monotonic() + 10
        while not heard and time.monotonic() < deadline:
            time.sleep(0.05)
        assert heard and heard[0]["ticket"]["id"] == ticket_id
        assert other.api("POST", "/counters/1/finish", officer).status_code == 200
        # every poll so far (nginx logs a request when it ends) went to one process and was
        # answered: a poll sent to the other process would be 400, an unknown session there
        polls = [line for line in proxy.requests_logged() if "transport=polling" in line[1]]
        assert len(polls) >= 3, polls  # the handshake, the connect, then polls up to the call
        assert {(status, address) for _, _, status, address in polls} == {(200, upstream)}, polls
    finally:
        polling.disconnect()
        close_all([display])
        # whatever failed, the next site's test finds no ticket of this one in the line
        other.api("POST", f"/tickets/{ticket_id}/cancel", officer)
        other.api("POST", "/counters/1/finish", officer)

    time.sleep(0.2)  # the sockets have just closed: their requests are logged now
    sockets = [line for line in proxy.requests_logged() if line[1].startswith("/socket.io/")]
    # the last poll may race the client's own goodbye (400 for a session just closed)
    assert {address for _, _, _, address in sockets} == {upstream}, sockets
    upgraded = [line for line in sockets if "transport=websocket" in line[1]]
    assert [(status, address) for _, _, status, address in upgraded] == [(101, upstream)], upgraded


def test_a_page_of_another_site_is_refused_through_nginx(
        proxied: tuple[Nginx, Server, Server, World]) -> None:
    """The forwarded host does not widen hall's origin check: another site's page is refused."""
    proxy, _, _, world = proxied
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(proxy.url, auth={"token": world.tokens["display"]}, wait_timeout=5,
                       transports=["polling"], headers={"Origin": "http://elsewhere.example"})
    assert any(status == 400 for _, uri, status, _ in proxy.requests_logged()
               if uri.startswith("/socket.io/")), proxy.requests_logged()
