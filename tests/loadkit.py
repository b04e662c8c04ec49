"""The actors of the load test: kiosks, a slow kiosk, counters, displays, a voice display and
a probe, each in its own thread against a real `hall run` process, recording every answer."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import requests
import socketio

# A frozen server must show up as a slow answer, not as a thread that never returns.
TIMEOUT_S = 40.0


@dataclass
class Sample:
    """One HTTP exchange: who made it, its status (0: no answer) and how long it took."""

    kind: str
    status: int
    seconds: float
    at: float
    detail: str = ""


@dataclass
class Record:
    """Everything the actors saw; list.append is atomic, so threads share it without a lock."""

    samples: list[Sample] = field(default_factory=list)
    issued: list[dict[str, Any]] = field(default_factory=list)
    probe_times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, kind: str, status: int, started: float, detail: str = "") -> None:
        self.samples.append(Sample(kind, status, time.monotonic() - started, started, detail))

    def of(self, kind: str) -> list[Sample]:
        return [s for s in self.samples if s.kind == kind]


def _exchange(record: Record, kind: str, http: requests.Session, method: str, url: str,
              **kwargs: Any) -> requests.Response | None:
    started = time.monotonic()
    try:
        response = http.request(method, url, timeout=TIMEOUT_S, **kwargs)
    except requests.RequestException as exc:
        record.add(kind, 0, started, repr(exc))
        return None
    detail = response.text[:200] if response.status_code >= 400 else ""
    record.add(kind, response.status_code, started, detail)
    return response


def _session(token: str) -> requests.Session:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    return http


class Quota:
    """Hands out `total` issue attempts among the kiosks; none after `stop`."""

    def __init__(self, total: int, stop: threading.Event) -> None:
        self.left, self.stop, self.lock = total, stop, threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or self.stop.is_set():
                return False
            self.left -= 1
            return True


def kiosk(base: str, token: str, fields: list[str], offset: int, quota: Quota,
          record: Record) -> None:
    """Issue tickets over one kept-alive connection, cycling through the fields."""
    with _session(token) as http:
        n = offset
        while quota.take():
            code = fields[n % len(fields)]
            n += 1
            response = _exchange(record, "issue", http, "POST", f"{base}/api/v1/tickets",
                                 json={"field": code})
            if response is not None and response.status_code == 201:
                record.issued.append(response.json())


def slow_kiosk(host: str, port: int, token: str, field_code: str, pause_s: float,
               stop: threading.Event, record: Record) -> None:
    """A kiosk on a poor link: the headers go out, the body follows `pause_s` later."""
    body = json.dumps({"field": field_code}).encode()
    head = (f"POST /api/v1/tickets HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    while not stop.is_set():
        started = time.monotonic()
        try:
            with socket.create_connection((host, port), timeout=TIMEOUT_S) as raw:
                raw.sendall(head)
                time.sleep(pause_s)
                # The server's share of the wait starts once the whole request is there.
                started = time.monotonic()
                raw.sendall(body)
                answer = http.client.HTTPResponse(raw)
                answer.begin()
                data = answer.read()
        except (OSError, http.client.HTTPException) as exc:
            record.add("slow-issue", 0, started, repr(exc))
            continue
        status = answer.status
        record.add("slow-issue", status, started, data[:200].decode(errors="replace")
                   if status >= 400 else "")
        if status == 201:
            record.issued.append(json.loads(data))


def counter(base: str, token: str, number: int, stop: threading.Event, record: Record) -> None:
    """An officer taking the counter, then calling and finishing until told to stop."""
    root = f"{base}/api/v1/counters/{number}"
    with _session(token) as http:
        _exchange(record, "counter", http, "POST", f"{root}/open")
        while not stop.is_set():
            called = _exchange(record, "counter", http, "POST", f"{root}/call-next")
            if called is not None and called.status_code == 200:
                _exchange(record, "counter", http, "POST", f"{root}/finish")
            else:  # nobody waits (204) or it failed: the officer looks again a moment later
                time.sleep(0.1)


class Display:
    """A hall screen on Socket.IO (websocket only), counting every event it receives."""

    def __init__(self, base: str, token: str) -> None:
        self.counts: dict[str, int] = {}
        self.calls: list[tuple[str, int]] = []
        self.disconnects = 0
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._any)
        self.client.on("disconnect", self._gone)
        self.client.connect(base, auth={"token": token}, transports=["websocket"], wait_timeout=15)

    def _any(self, event: str, data: Any = None) -> None:
        self.counts[event] = self.counts.get(event, 0) + 1
        if event == "ticket.called" and not data.get("recall"):
            self.calls.append((data["ticket"]["number"], data["counter"]["number"]))

    def _gone(self, *_reason: Any) -> None:
        self.disconnects += 1

    def close(self) -> None:
        self.client.disconnect()


def connect_displays(base: str, token: str, count: int) -> list[Display]:
    """Connect `count` displays in parallel (each handshake waits on the network)."""
    made: list[Display] = []
    failures: list[BaseException] = []

    def one() -> None:
        try:
            made.append(Display(base, token))
        except Exception as exc:  # reported below, with the others
            failures.append(exc)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        close_displays(made)
        raise RuntimeError(f"{len(failures)} displays could not connect: {failures[0]!r}")
    return made


def close_displays(displays: list[Display]) -> None:
    """Disconnect in parallel: each waits for the server's close frame."""
    threads = [threading.Thread(target=d.close) for d in displays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def voice_display(base: str, token: str, display: Display, every_s: float, stop: threading.Event,
                  record: Record) -> None:
    """Fetch the spoken call of each newly called number, as a display with voice does."""
    fetched: set[tuple[str, int]] = set()
    with requests.Session() as http:
        while not stop.wait(every_s):
            fresh = [call for call in display.calls[-5:] if call not in fetched]
            if not fresh:
                continue
            number, counter_number = fresh[-1]
            fetched.add((number, counter_number))
            response = _exchange(record, "voice", http, "GET", f"{base}/display/call.wav",
                                 params={"number": number, "counter": counter_number,
                                         "token": token})
            if response is not None and response.status_code == 200 \
                    and not response.content.startswith(b"RIFF"):
                record.errors.append(f"call.wav for {number} is not a WAV file")


def probe(base: str, token: str, every_s: float, stop: threading.Event, record: Record) -> None:
    """Read the queue snapshot every `every_s`, noting when each answer arrived."""
    with _session(token) as http:
        while not stop.is_set():
            started = time.monotonic()
            response = _exchange(record, "probe", http, "GET", f"{base}/api/v1/queue")
            if response is not None and response.status_code == 200:
                record.probe_times.append(time.monotonic())
            time.sleep(max(0.0, every_s - (time.monotonic() - started)))


def longest_gap(times: list[float], start: float, end: float) -> float:
    """The longest stretch between start, each time, and end."""
    points = [start, *sorted(times), end]
    return max(b - a for a, b in zip(points, points[1:], strict=False))
