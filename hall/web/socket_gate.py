"""The door of Socket.IO in one process: how many screens it takes, and without compression.

A process that runs out of file descriptors (two per connected screen) or of gevent's
connection pool stops accepting anything, kiosks and counters included. So new Socket.IO
connections are refused, with a clear 503 and `Retry-After`, once this process holds
HALL_MAX_SOCKETS of them, a number that leaves room for the HTTP requests of the hall; pages
try again later (with jitter), and a load balancer sends them to another process.

A client that offers permessage-deflate (every browser does) would otherwise get a
compressor and a decompressor of its own on the server, about three times the memory of an
uncompressed socket, to save a few hundred bytes a call: the offer is removed before the
WebSocket handshake, so every socket is uncompressed."""

from __future__ import annotations

import json
import os
import resource
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs

from flask import Flask

REFUSED = ("Máy chủ này đã đủ số màn hình kết nối; màn hình sẽ tự kết nối lại sau ít giây. "
           "/ This server holds as many screens as it can; the screen will try again shortly.")
HTTP_ROOM = 256  # descriptors and pool places kept for kiosks', counters' and managers' requests


def default_limit() -> int:
    """Sockets one process takes: half the descriptors it may open (two per screen) and
    gunicorn's connection pool (HALL_WORKER_CONNECTIONS), less room for HTTP."""
    descriptors, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    by_descriptors = (descriptors - HTTP_ROOM) // 2
    pool = int(os.environ.get("HALL_WORKER_CONNECTIONS") or 0)
    by_pool = pool - HTTP_ROOM if pool else by_descriptors
    return max(16, min(by_descriptors, by_pool))


class SocketGate:
    """WSGI middleware in front of Flask-SocketIO's own."""

    def __init__(self, wsgi: Callable[..., Iterable[bytes]], limit: int,
                 open_sockets: Callable[[], int], path: str = "/socket.io") -> None:
        self.wsgi, self.limit, self.open_sockets, self.path = wsgi, limit, open_sockets, path
        self.body = json.dumps({"error": {"code": "too_many_sockets", "message": REFUSED}},
                               ensure_ascii=False).encode()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(self.path):
            environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)  # no per-socket compression
            new = not parse_qs(environ.get("QUERY_STRING", "")).get("sid")
            if new and self.open_sockets() >= self.limit:
                start_response("503 Service Unavailable", [
                    ("Content-Type", "application/json; charset=utf-8"), ("Retry-After", "10"),
                    ("Content-Length", str(len(self.body))), ("Cache-Control", "no-store")])
                return [self.body]
        return self.wsgi(environ, start_response)


def init_app(app: Flask, open_sockets: Callable[[], int]) -> None:
    limit = int(app.config.get("MAX_SOCKETS") or default_limit())
    app.config["MAX_SOCKETS"] = limit
    app.wsgi_app = SocketGate(app.wsgi_app, limit, open_sockets)  # type: ignore[method-assign]
