"""The single-process server of `hall run`: gevent's WSGI server with TCP_NODELAY."""

from __future__ import annotations

import socket
from typing import Any

from flask import Flask


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

    socketio.run(app, host=host, port=port, log_output=False, handler_class=NoDelayHandler)
