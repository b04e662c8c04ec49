"""Scale-out figures: hall as deployed (gunicorn with the packaged configuration, one gevent
worker per process, Redis between processes), measured from one client process on 127.0.0.1.

1. `throughput`: tickets issued per second by --clients kept-alive HTTP clients spread over
   1, 2 and 4 processes, on SQLite and on PostgreSQL (p50 and p99 of each request).
2. `fanout`: --displays WebSocket displays spread over --processes processes on PostgreSQL;
   an officer calls on the first process once a second, finishing in between; the time from
   sending call-next to the LAST display receiving `ticket.called` (p50, p99 over --calls),
   the servers' memory (RSS) with the displays connected, and how long they took to connect.
   The displays name their events as the hall display page does (--whole: they do not, and
   get the whole stream), and the messages each receives per call and finish are counted.
   The displays are minimal Engine.IO 4 / Socket.IO 5 clients on aiohttp (a python-socketio
   client per display would measure the client, not the server).
3. `reconnect`: --displays connected to one process, which is killed (kill -9) and started
   again; the displays come back as the pages do (jittered, backing off) and the time until
   every one has a fresh `state` is printed, with the CPU the new process spent on them.

    python -m bench.scale throughput [--processes 1 2 4] [--databases sqlite postgresql]
                                     [--clients 32] [--seconds 8]
    python -m bench.scale fanout [--displays 1000 5000 10000] [--processes 2] [--calls 20]
                                 [--database postgresql|sqlite] [--whole] [--deflate]
    python -m bench.scale reconnect [--displays 5000] [--database sqlite|postgresql]

PostgreSQL and Redis come from HALL_TEST_DATABASE_URL and HALL_TEST_REDIS_URL (as in CI).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from contextlib import contextmanager
from pathlib import Path

import aiohttp

from bench.clients import connector
from bench.clients import percentile
from bench.clients import quiet_gc
from bench.run import database
from bench.run import free_port
from bench.run import prepare_hall
from bench.run import process

ROOT = Path(__file__).resolve().parent.parent


def raise_file_limit() -> None:
    """Every display is a socket here and two in the server: allow as many as permitted."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


@contextmanager
def hall_processes(url: str, count: int, redis_url: str | None) -> Iterator[list[tuple[str, int]]]:
    """`count` gunicorn processes on one database: [(base URL, worker pid)]."""
    channel = f"hall-bench-{uuid.uuid4().hex[:8]}"
    instance = tempfile.mkdtemp(prefix="hall-bench-instance-")
    with ExitStack() as stack:
        started = []
        for _ in range(count):
            port = free_port()
            env = {"HALL_DATABASE_URL": url, "HALL_INSTANCE_PATH": instance,
                   "HALL_SECRET_KEY": "bench", "HALL_SOCKETIO_CHANNEL": channel,
                   "HALL_ISSUE_LIMIT": "1000000 per second", "HALL_BIND": f"127.0.0.1:{port}",
                   "HALL_WORKER_CONNECTIONS": "20000"}
            if redis_url and count > 1:
                env["HALL_REDIS_URL"] = redis_url
            args = [sys.executable, "-m", "gunicorn", "-c", "python:hall.gunicorn_conf",
                    "hall:create_app()"]
            base, master = stack.enter_context(process(args, port, env, "/healthz"))
            started.append((base, worker_pid(master)))
        yield started


def worker_pid(master: int) -> int:
    """gunicorn's one worker under `master` (the process whose memory counts)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0]) if children else master


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- throughput ---------------------------------------------------------------------------

async def _issue(bases: list[str], token: str, clients: int,
                 seconds: float) -> tuple[int, list[float], float]:
    times: list[float] = []
    done = 0
    stop = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {token}"}

    async def client(http: aiohttp.ClientSession, base: str, index: int) -> None:
        nonlocal done
        fields = ("HT", "CT", "DD")
        while time.monotonic() < stop:
            started = time.perf_counter()
            async with http.post(base + "/api/v1/tickets", json={"field": fields[index % 3]},
                                 headers=headers) as response:
                await response.read()
            times.append((time.perf_counter() - started) * 1000)
            done += response.status == 201
            index += 1

    async with aiohttp.ClientSession(connector=connector(clients)) as http:
        began = time.monotonic()
        await asyncio.gather(*(client(http, bases[n % len(bases)], n) for n in range(clients)))
        took = time.monotonic() - began
    return done, times, took


def throughput(args: argparse.Namespace) -> None:
    redis_url = os.environ.get("HALL_TEST_REDIS_URL")
    for kind in args.databases:
        if kind == "postgresql" and not os.environ.get("HALL_TEST_DATABASE_URL"):
            print("[postgresql] skipped: HALL_TEST_DATABASE_URL is not set")
            continue
        for count in args.processes:
            if count > 1 and not redis_url:
                print(f"[{kind}] {count} processes skipped: HALL_TEST_REDIS_URL is not set")
                continue
            with database(kind) as url:
                tokens = prepare_hall(url)
                with hall_processes(url, count, redis_url) as servers:
                    with quiet_gc():
                        done, times, took = asyncio.run(_issue(
                            [base for base, _ in servers], tokens["kiosk"], args.clients,
                            args.seconds))
            print(f"[{kind}] {count} process(es), {args.clients} clients: "
                  f"{done / took:7.1f} tickets/s, p50 {percentile(times, 0.5):.1f} ms, "
                  f"p99 {percentile(times, 0.99):.1f} ms ({len(times)} requests)", flush=True)


# --- fan-out ------------------------------------------------------------------------------

def cpu_s(pid: int) -> float:
    """User and system CPU seconds a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


LEAN_DISPLAY = ["ticket.called", "fields.changed", "ticket.updated", "counter.updated",
                "queue.changed"]  # what the hall display page names (display/static/calls.js)


class Displays:
    """Minimal Socket.IO displays: each answers pings, notes when `ticket.called` and `state`
    came, and counts the events it receives. `lean`: they name their events as the hall
    display page does; else they get the whole stream of API clients. `jitter`: a dropped
    display waits before connecting again as the pages do (0.2–3.8 s, then further apart)."""

    def __init__(self, token: str, count: int, lean: bool = True, jitter: bool = False,
                 deflate: bool = False) -> None:
        self.auth = json.dumps({"token": token, **({"events": LEAN_DISPLAY} if lean else {})})
        self.count = count
        self.jitter = jitter
        self.compress = 15 if deflate else 0  # 15: offer permessage-deflate, as Chromium does
        self.connected = 0
        self.retries = 0
        self.dropped = 0  # connected sockets the server closed (each connects again)
        self.all_connected = asyncio.Event()
        self.sent = 0.0
        self.arrivals: list[float] = []
        self.expected = 0
        self.all_in = asyncio.Event()
        self.counting = False
        self.messages = 0  # events received while counting
        self.states: list[float] = []  # when each `state` arrived (perf_counter)

    async def one(self, http: aiohttp.ClientSession, base: str, ready: asyncio.Semaphore) -> None:
        """Connect, listen; when the server drops the socket, connect again (as a page does)."""
        counted = False
        while True:
            socket = await self._connect(http, base, ready)
            if not counted:
                counted = True
                self.connected += 1
                if self.connected == self.count:
                    self.all_connected.set()
            async for message in socket:
                data = message.data
                if not isinstance(data, str):
                    continue
                if data == "2":
                    await socket.send_str("3")
                elif data.startswith("42"):
                    if self.counting:
                        self.messages += 1
                    if data.startswith('42["ticket.called"'):
                        self.arrivals.append((time.perf_counter() - self.sent) * 1000)
                        if len(self.arrivals) >= self.expected:
                            self.all_in.set()
                    elif data.startswith('42["state"'):
                        self.states.append(time.perf_counter())
            self.dropped += 1

    async def _connect(self, http: aiohttp.ClientSession, base: str,
                       ready: asyncio.Semaphore) -> aiohttp.ClientWebSocketResponse:
        url = base.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        delay = 2.0
        for attempt in range(40 if self.jitter else 8):  # a refused handshake is tried again
            if self.jitter and (attempt or self.dropped):  # socket.io-client's backoff, as the pages set it
                await asyncio.sleep(delay * random.uniform(0.1, 1.9))
                delay = min(15.0, delay * 2)
            async with ready:
                try:
                    socket = await http.ws_connect(url, max_msg_size=0, compress=self.compress,
                                                   autoping=False)
                    await socket.receive()  # Engine.IO open
                    await socket.send_str("40" + self.auth)
                    while True:  # the namespace's answer, after which `state` follows
                        answer = await socket.receive()
                        if not isinstance(answer.data, str):
                            raise ConnectionError(f"closed during the handshake: {answer.type}")
                        if answer.data.startswith('42["state"'):  # sent before the answer
                            self.states.append(time.perf_counter())
                        if answer.data.startswith("40"):
                            return socket
                except (aiohttp.ClientError, ConnectionError, OSError):
                    self.retries += 1
            if not self.jitter:
                await asyncio.sleep(random.uniform(0.5, 2.0) * (attempt + 1))
        raise ConnectionError("a display could not connect")


async def _fanout(servers: list[tuple[str, int]], tokens: dict[str, str], displays: int,
                  calls: int, lean: bool, deflate: bool) -> None:
    crowd = Displays(tokens["display"], displays, lean, deflate=deflate)
    http = aiohttp.ClientSession(connector=connector(0))
    api = aiohttp.ClientSession(connector=connector())
    officer = {"Authorization": f"Bearer {tokens['officer1']}"}
    kiosk = {"Authorization": f"Bearer {tokens['kiosk']}"}
    first = servers[0][0] + "/api/v1"
    ready = asyncio.Semaphore(200)  # at most this many handshakes at once
    idle = [rss_mib(pid) for _, pid in servers]
    began = time.monotonic()
    tasks = [asyncio.create_task(crowd.one(http, servers[n % len(servers)][0], ready))
             for n in range(displays)]
    while not crowd.all_connected.is_set():
        await asyncio.wait([asyncio.ensure_future(crowd.all_connected.wait())], timeout=1)
        failed = [task for task in tasks if task.done()]
        if failed:
            raise RuntimeError(f"{len(failed)} displays failed: {failed[0].exception()!r}")
    connected_s = time.monotonic() - began
    await asyncio.sleep(2)  # the `state` snapshots sent
    memory = [rss_mib(pid) for _, pid in servers]
    await api.post(first + "/counters/1/open", headers=officer)
    for _ in range(calls):
        await api.post(first + "/tickets", json={"field": "HT"}, headers=kiosk)
    lasts: list[float] = []
    await asyncio.sleep(1.0)  # the issues' queue.changed delivered before counting
    crowd.counting = True
    cpu_before = sum(cpu_s(pid) for _, pid in servers)
    for index in range(calls):
        if index:
            await api.post(first + "/counters/1/finish", headers=officer)
        await asyncio.sleep(1.0)  # a call a second, its finish and queue.changed in between
        crowd.arrivals.clear()
        crowd.expected = displays
        crowd.all_in.clear()
        crowd.sent = time.perf_counter()
        async with api.post(first + "/counters/1/call-next", headers=officer) as answer:
            assert answer.status == 200, await answer.text()
        await asyncio.wait_for(crowd.all_in.wait(), 60)
        lasts.append(max(crowd.arrivals))
    await asyncio.sleep(1.0)  # what follows the last call (a coalesced queue.changed)
    crowd.counting = False
    per_cycle = crowd.messages / displays / calls
    cpu_us = (sum(cpu_s(pid) for _, pid in servers) - cpu_before) / max(1, crowd.messages) * 1e6
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await http.close()
    await api.close()
    print(f"[fan-out] {displays} {'lean' if lean else 'whole-stream'} displays over "
          f"{len(servers)} process(es): {per_cycle:.2f} messages per display per call and "
          f"finish, {cpu_us:.0f} µs of server CPU per message delivered; last display p50 "
          f"{statistics.median(lasts):.0f} ms, p99 {percentile(lasts, 0.99):.0f} ms, max "
          f"{max(lasts):.0f} ms ({calls} calls; in order: {' '.join(f'{ms:.0f}' for ms in lasts)}); "
          f"server memory "
          f"{' + '.join(f'{mib:.0f}' for mib in memory)} MiB "
          f"({(sum(memory) - sum(idle)) * 1024 / displays:.0f} KiB per display above the idle "
          f"{sum(idle):.0f} MiB); connected in {connected_s:.1f} s ({crowd.retries} handshakes "
          f"tried again, {crowd.dropped} sockets dropped by the server and reconnected)", flush=True)


def fanout(args: argparse.Namespace) -> None:
    redis_url = os.environ.get("HALL_TEST_REDIS_URL")
    if args.processes > 1 and not redis_url:
        sys.exit("fanout over several processes needs HALL_TEST_REDIS_URL")
    if args.database == "postgresql" and not os.environ.get("HALL_TEST_DATABASE_URL"):
        sys.exit("fanout on PostgreSQL needs HALL_TEST_DATABASE_URL")
    for displays in args.displays:
        with database(args.database) as url:
            tokens = prepare_hall(url)
            with hall_processes(url, args.processes, redis_url) as servers:
                with quiet_gc():
                    asyncio.run(_fanout(servers, tokens, displays, args.calls, not args.whole,
                                        args.deflate))


# --- reconnect after a restart ------------------------------------------------------------

async def _reconnect(url: str, tokens: dict[str, str], displays: int) -> None:
    port = free_port()
    env = {"HALL_DATABASE_URL": url, "HALL_SECRET_KEY": "bench",
           "HALL_INSTANCE_PATH": tempfile.mkdtemp(prefix="hall-bench-instance-"),
           "HALL_BIND": f"127.0.0.1:{port}", "HALL_WORKER_CONNECTIONS": "20000"}
    args = [sys.executable, "-m", "gunicorn", "-c", "python:hall.gunicorn_conf", "hall:create_app()"]
    crowd = Displays(tokens["display"], displays, lean=True, jitter=True)
    http = aiohttp.ClientSession(connector=connector(0))
    ready = asyncio.Semaphore(200)
    with ExitStack() as first:
        base, master = first.enter_context(process(args, port, env, "/healthz"))
        tasks = [asyncio.create_task(crowd.one(http, base, ready)) for _ in range(displays)]
        await asyncio.wait_for(crowd.all_connected.wait(), 600)
        await asyncio.sleep(2)
        worker = worker_pid(master)
        killed = time.perf_counter()
        os.kill(worker, 9)  # the process dies as in a crash; its master is stopped with it
        os.kill(master, 9)
    await asyncio.sleep(1)
    with ExitStack() as second:
        started = time.perf_counter()
        base, master = second.enter_context(process(args, port, env, "/healthz"))
        listening = time.perf_counter()
        worker = worker_pid(master)
        cpu_before = cpu_s(worker)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            back = sum(1 for _ in filter(lambda at: at > started, crowd.states))
            if back >= displays:
                break
            await asyncio.sleep(0.2)
        last = max(crowd.states)
        cpu = cpu_s(worker) - cpu_before
        memory = rss_mib(worker)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await http.close()
    print(f"[reconnect] {displays} displays, server killed and started again: all back with "
          f"a fresh state {last - listening:.1f} s after the new process listened "
          f"({last - killed:.1f} s after the kill); the new process used {cpu:.1f} s of CPU "
          f"({cpu * 1000 / displays:.1f} ms per display), {memory:.0f} MiB; "
          f"{crowd.retries} handshakes tried again", flush=True)


def reconnect(args: argparse.Namespace) -> None:
    for displays in args.displays:
        with database(args.database) as url:
            tokens = prepare_hall(url)
            with quiet_gc():
                asyncio.run(_reconnect(url, tokens, displays))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    issue = commands.add_parser("throughput")
    issue.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    issue.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    issue.add_argument("--clients", type=int, default=32)
    issue.add_argument("--seconds", type=float, default=8)
    fan = commands.add_parser("fanout")
    fan.add_argument("--displays", type=int, nargs="+", default=[1000, 5000, 10000])
    fan.add_argument("--processes", type=int, default=2)
    fan.add_argument("--calls", type=int, default=20)
    fan.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    fan.add_argument("--whole", action="store_true",
                     help="displays that name no events (the whole stream, as API clients)")
    fan.add_argument("--deflate", action="store_true",
                     help="displays offer permessage-deflate, as Chromium does")
    again = commands.add_parser("reconnect")
    again.add_argument("--displays", type=int, nargs="+", default=[5000])
    again.add_argument("--database", choices=["postgresql", "sqlite"], default="sqlite")
    args = parser.parse_args()
    raise_file_limit()
    {"throughput": throughput, "fanout": fanout, "reconnect": reconnect}[args.command](args)


if __name__ == "__main__":
    main()
