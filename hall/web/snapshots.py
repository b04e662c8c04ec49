"""The `state` snapshot a screen gets on (re)connect, shared by the screens of a centre.

After a restart thousands of screens reconnect within seconds, each wanting the same public
snapshot of its centre. It is built once and handed to every screen that connects while
nothing has been sent to that centre's rooms since (and for at most MAX_AGE_S): any event
delivered to the centre in this process, whichever process made it (through Redis), retires
the copy. A screen joins its rooms before it gets the copy, so an event after the copy was
made reaches it as an event; an event before retired the copy. Staff get whole tickets and
are not served from here."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from typing import Any

import socketio

MAX_AGE_S = 5.0
REBUILDS = 3  # builds of one snapshot while events keep arriving, at most


class WatchingManager(socketio.Manager):  # type: ignore[misc]
    """Delivers events in this process, noting which centres they were for, and keeps each
    centre's public snapshot while no event has been delivered to it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.snapshot_lock = threading.Lock()
        self.generation: dict[int, int] = {}  # centre id -> events delivered to its rooms
        self.kept: dict[int, tuple[int, float, dict[str, Any]]] = {}  # (generation, made, state)

    def emit(self, event: str, data: Any, namespace: str, room: Any = None, skip_sid: Any = None,
             callback: Any = None, to: Any = None, **kwargs: Any) -> Any:
        self.delivered(to or room)
        return super().emit(event, data, namespace, room=room, skip_sid=skip_sid,
                            callback=callback, to=to, **kwargs)

    def delivered(self, rooms: Any) -> None:
        for room in rooms if isinstance(rooms, list | tuple) else [rooms]:
            if isinstance(room, str) and room.startswith("centre:"):
                centre = room[len("centre:"):].split("|", 1)[0]
                if centre.isdigit():
                    with self.snapshot_lock:
                        self.generation[int(centre)] = self.generation.get(int(centre), 0) + 1

    def public_state(self, centre_id: int, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The centre's public snapshot: the kept one while it is current, else `build()`'s.
        The caller gets its own (shallow) copy, to stamp."""
        with self.snapshot_lock:
            generation = self.generation.get(centre_id, 0)
            kept = self.kept.get(centre_id)
        if kept is not None and kept[0] == generation and time.monotonic() - kept[1] < MAX_AGE_S:
            return copy.copy(kept[2])
        for _ in range(REBUILDS):
            made = time.monotonic()
            state = build()  # yields on the database: events may reach the screen meanwhile
            with self.snapshot_lock:
                now = self.generation.get(centre_id, 0)
                if now == generation:
                    self.kept[centre_id] = (generation, made, state)  # retired by any later event
                    break
            # An event was delivered during the build, to this screen too (it joined its rooms
            # first) and before this `state`: a state built before it would undo it. Again.
            generation = now
        return copy.copy(state)


class WatchingRedisManager(socketio.RedisManager, WatchingManager):  # type: ignore[misc]
    """Redis between processes; the local delivery of every event (this process's and the
    others') passes WatchingManager.emit."""


def changed(centre_id: int) -> None:
    """A unit of work changed the centre (committed in this process): its kept snapshot is
    retired now, before its events go out (queue.changed comes up to 250 ms later)."""
    from hall.web.sockets import socketio as server

    manager = getattr(server.server, "manager", None) if server.server is not None else None
    if isinstance(manager, WatchingManager):
        manager.delivered([f"centre:{centre_id}"])


def public_state(centre_id: int, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The snapshot from this process's Socket.IO manager (built, when it keeps none)."""
    from hall.web.sockets import socketio as server

    manager = server.server.manager
    if isinstance(manager, WatchingManager):
        return manager.public_state(centre_id, build)
    return build()
