"""A real python-socketio client that records every event it receives."""

from __future__ import annotations

import threading
import time
from typing import Any

import socketio


class Listener:
    """Connects with a token; `wait_for(event)` blocks until that event arrives."""

    EVENTS = ("state", "ticket.called", "ticket.updated", "queue.changed", "rating.requested")

    def __init__(self, url: str, token: str) -> None:
        self.received: list[tuple[str, Any]] = []
        self.changed = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        for name in self.EVENTS:
            self.client.on(name, self._recorder(name))
        self.client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)

    def _recorder(self, name: str) -> Any:
        def record(data: Any) -> None:
            with self.changed:
                self.received.append((name, data))
                self.changed.notify_all()
        return record

    def events(self, name: str) -> list[Any]:
        with self.changed:
            return [data for event, data in self.received if event == name]

    def wait_for(self, name: str, count: int = 1, timeout: float = 5) -> list[Any]:
        deadline = time.monotonic() + timeout
        with self.changed:
            while len([1 for event, _ in self.received if event == name]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{name} x{count} did not arrive; got {self.names()}")
                self.changed.wait(left)
        return self.events(name)

    def names(self) -> list[str]:
        return [event for event, _ in self.received]

    def close(self) -> None:
        close_all([self])


def close_all(listeners: list[Listener]) -> None:
    """Disconnect in parallel: each close waits up to 3 s for the server's close frame."""
    threads = [threading.Thread(target=listener.client.disconnect) for listener in listeners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
