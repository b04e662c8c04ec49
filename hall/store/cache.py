"""Rows that almost never change (centres, tokens, users, devices, fields, counters),
remembered between requests so the hot paths (every request's token, every kiosk tap's
field) cost no query.

A remembered row is a detached snapshot of its column values; each request attaches a copy
to its own session (`attach`), which runs no SQL. A commit in this
process that adds, changes or deletes a watched row forgets everything at once; changes made
by another process (the CLI, a second server) are seen within TTL_S seconds.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Any
from typing import Generic
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm import make_transient_to_detached

from hall.models import ApiToken
from hall.models import Centre
from hall.models import Counter
from hall.models import CounterField
from hall.models import Device
from hall.models import Field
from hall.models import User

TTL_S = 2.0
MAX_ENTRIES = 10_000  # rows are few; this only bounds a flood of unknown keys
WATCHED = (Centre, User, Device, ApiToken, Field, Counter, CounterField)
# Columns that change often and that no remembered row is read for: a kiosk's printer state
# is written after every printed ticket, and forgetting everything on each would cost every
# following request its token, field and counter queries.
VOLATILE: dict[type, frozenset[str]] = {
    Device: frozenset({"printer_state", "printer_checked_at", "last_seen_at"}),
}
V = TypeVar("V")
M = TypeVar("M")
_generation = 0
_stores: list[Remembered[Any]] = []


class Remembered(Generic[V]):
    """A dictionary per database whose entries live TTL_S seconds and die with any watched
    commit (one process may serve several apps, and tests make many)."""

    def __init__(self) -> None:
        self.entries: dict[Hashable, tuple[float, int, V]] = {}
        _stores.append(self)

    def get(self, session: Session, key: Hashable) -> V | None:
        hit = self.entries.get((id(session.get_bind().pool), key))  # type: ignore[union-attr]
        if hit is None or hit[0] < time.monotonic() or hit[1] != _generation:
            return None
        return hit[2]

    def put(self, session: Session, key: Hashable, value: V, generation: int) -> None:
        """Remember `value`, read while `generation()` was `generation` (a change committed
        while it was being read makes it stale at once)."""
        if len(self.entries) >= MAX_ENTRIES:
            self.entries.clear()
        pool = session.get_bind().pool  # type: ignore[union-attr]
        self.entries[(id(pool), key)] = (time.monotonic() + TTL_S, generation, value)


def generation() -> int:
    """Take this before reading what will be remembered."""
    return _generation


def forget() -> None:
    """Forget every remembered row (something watched changed)."""
    global _generation
    _generation += 1
    for store in _stores:
        store.entries.clear()


def snapshot(instance: M) -> M:
    """A detached copy holding the row's column values, safe to share between sessions."""
    if instance is None:
        return instance
    mapper = inspect(type(instance))
    unloaded = inspect(instance).unloaded  # deferred columns (a logo) stay behind: loaded on use
    copy = mapper.class_manager.new_instance()
    for column in mapper.column_attrs:
        if column.key not in unloaded:
            setattr(copy, column.key, getattr(instance, column.key))
    make_transient_to_detached(copy)
    return copy  # type: ignore[no-any-return]


def attach(session: Session, remembered: M) -> M:
    """The snapshot as a persistent object of this session, without a query: the session's
    own copy if it has one, else a fresh copy of the column values (what
    `session.merge(load=False)` does, without walking every attribute and cascade)."""
    if remembered is None:
        return remembered
    state = inspect(remembered)
    present = session.identity_map.get(state.key)
    if present is not None:
        return present  # type: ignore[no-any-return]
    keys = _COLUMN_KEYS.get(state.mapper)
    if keys is None:
        keys = _COLUMN_KEYS[state.mapper] = tuple(c.key for c in state.mapper.column_attrs)
    source = state.dict
    copy: M = adopt(session, state.mapper, {key: source[key] for key in keys if key in source},
                    state.key)
    return copy


def adopt(session: Session, mapper: Any, values: dict[str, Any], key: Any) -> Any:
    """A new persistent object of `session` holding `values`, a row known to exist with the
    identity `key` (`mapper.identity_key_from_primary_key`), added as if loaded: no query,
    no flush. Its relationships load lazily on first use."""
    instance = mapper.class_manager.new_instance()
    instance.__dict__.update(values)
    inspect(instance).key = key
    session.add(instance)
    return instance


_COLUMN_KEYS: dict[Any, tuple[str, ...]] = {}


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    if (any(isinstance(obj, WATCHED) for obj in (*session.new, *session.deleted))
            or any(_changed(obj) for obj in session.dirty)):
        session.info["hall.forget"] = True


def _changed(obj: object) -> bool:
    """A watched row with a change to a column other than its volatile ones."""
    if not isinstance(obj, WATCHED):
        return False
    volatile = VOLATILE.get(type(obj))
    if volatile is None:
        return True
    state: Any = inspect(obj)
    return not set(state.committed_state) <= volatile


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.pop("hall.forget", False):
        forget()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop("hall.forget", None)
