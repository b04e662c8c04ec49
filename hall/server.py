"""The single-process server of `hall run`: gevent's WSGI server with TCP_NODELAY."""

from __future__ import annotations

import gc
import socket
from typing import Any

from flask import Flask

GC_YOUNG = 20_000  # allocations between two collections of the young generation (Python: 700)


def tune_gc() -> None:
    """A process that holds thousands of screens keeps millions of objects alive. With
    Python's default thresholds the collector ran every 700 allocations and, now and then, a
    full collection: 0.6 s at 5,000 screens, every screen stalled meanwhile (measured with
    bench/scale.py). Collections are made rarer, and what the process loaded at start-up is
    frozen out of them. Called once the app is loaded, by `hall run` and by gunicorn's worker."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG, 10, 10)


def serve(app: Flask, host: str, port: int, socketio: Any = None) -> None:
    """Serve HTTP and Socket.IO until stopped (gevent mode)."""
    from gevent import pywsgi

    if socketio is None:
        from hall.web.sockets import socketio

    class NoDelayHandler(pywsgi.WSGIHandler):  # type: ignore[misc]
        """Send small writes at once: without TCP_NODELAY a kept-alive connection waits
        ~40 ms per response (Nagle's algorithm against the client's delayed ACK)."""

        def handle(self) -> Any:
            try:
                self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:  # not TCP (a UNIX socket): nothing to tune
                pass
            return super().handle()

    tune_gc()
    socketio.run(app, host=host, port=port, log_output=False, handler_class=NoDelayHandler)


def served_url(host: str, port: int) -> str:
    """The address phones on the LAN use to reach `hall run` bound to `host`: for a server
    bound to every interface, this machine's address on its default route (found without
    sending a packet); otherwise the bound address itself. The printed QR code uses it when
    HALL_PUBLIC_URL is not set, never a request's Host header, which a client chooses."""
    if host in ("0.0.0.0", "::", ""):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routing only, nothing is sent
                host = probe.getsockname()[0]
        except OSError:
            host = "127.0.0.1"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"
