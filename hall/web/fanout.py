"""One WebSocket frame per event, whatever the number of screens that receive it.

python-socketio encodes a broadcast once and hands the same text to every recipient's
Engine.IO socket; each socket's writer then turned that text into a WebSocket frame of its
own (wsproto, in pure Python: about a third of the cost of a message per screen). A frame
from the server is not masked, so it is the same bytes for every screen that receives the
same text: here it is built once, kept for the next recipients, and written as it is.

Only uncompressed connections take the shared frame (hall.web.socket_gate refuses
compression; a connection that has an extension anyway is framed by wsproto as before).
Long-polling is not touched."""

from __future__ import annotations

import threading
from typing import Any

from engineio.async_drivers import _websocket_wsgi
from wsproto.frame_protocol import FrameProtocol

KEPT = 64  # frames of recent messages: a broadcast's recipients all come within these

_frames: dict[str, bytes] = {}
_lock = threading.Lock()


def frame_of(message: str) -> bytes:
    """The text frame that carries `message` from the server (unmasked, final, no extension)."""
    frame = _frames.get(message)
    if frame is None:
        frame = bytes(FrameProtocol(client=False, extensions=[]).send_data(message, fin=True))
        with _lock:
            if len(_frames) >= KEPT:
                _frames.pop(next(iter(_frames)), None)  # the oldest
            _frames[message] = frame
    return frame


def _uncompressed(server: Any) -> bool:
    connection = getattr(server.ws, "connection", None)
    protocol = getattr(connection, "_proto", None)
    return protocol is not None and not protocol.extensions


class SharedFrameWebSocket(_websocket_wsgi.SimpleWebSocketWSGI):  # type: ignore[misc]
    """The WebSocket of one Engine.IO connection, writing shared frames."""

    def send(self, message: Any) -> Any:
        server = self.ws
        if isinstance(message, str) and server.connected and _uncompressed(server):
            frame = frame_of(message)
            try:
                # send() first: a small frame goes in one call (gevent's sendall asks the
                # socket its buffer size every time, a system call per message)
                sent = server.sock.send(frame)
                if sent < len(frame):
                    server.sock.sendall(memoryview(frame)[sent:])
            except OSError as error:  # as the library's own send: the writer stops
                raise OSError() from error
            return None
        return super().send(message)


def install() -> None:
    """Engine.IO opens WebSockets with the class its async driver names (both drivers hall
    runs under: gevent, and threads in tests)."""
    from engineio.async_drivers import gevent as gevent_driver
    from engineio.async_drivers import threading as threading_driver

    threading_driver._async["websocket"] = SharedFrameWebSocket
    base = gevent_driver._async["websocket"]
    if issubclass(base, _websocket_wsgi.SimpleWebSocketWSGI) and not issubclass(base, SharedFrameWebSocket):
        gevent_driver._async["websocket"] = type("GeventSharedFrameWebSocket",
                                                 (SharedFrameWebSocket, base), {})
