"""Engine and sessions, and the rule that keeps one OS thread serving every greenlet.

Under gevent one OS thread runs every request, socket and background task. SQLite's own
busy handler sleeps in C, where the hub cannot switch: if a writer waits in it while the
greenlet holding the write lock is parked (reading a request body, an emit, a subprocess),
the holder never runs again and the whole process stops until the busy timeout. So:

* SQLite connections have a busy timeout of 0: SQLite never waits, it answers "busy".
* A transaction is a *read* unless its session was marked with `write(session)` first.
  Reads begin with a plain `BEGIN`; in WAL mode they never wait for a writer.
* A write transaction first takes this process's write gate for that database (a lock that
  waits cooperatively: gevent's when the process is patched, a thread lock otherwise), then
  `BEGIN IMMEDIATE`. If another *process* holds SQLite's write lock, it retries with short
  sleeps that yield, until `SQLITE_BUSY_TIMEOUT_S`, then answers 503 `busy`.
* The gate is released by the COMMIT or ROLLBACK, and at the latest when the connection
  goes back to the pool. Callers read bodies, emit, print and run subprocesses only outside a
  write transaction (views mark the session after the body is parsed; announcements go out
  after the commit), so nobody holds the gate across anything that yields.
* With `STRICT_TRANSACTIONS` (tests): a write statement in a read transaction raises, and a
  greenlet that switches away while holding the gate is logged as an error.

PostgreSQL needs none of this: psycopg 3 waits cooperatively and rows lock one by one; the
same `write(session)` marks are harmless there. Long read-only queries (reports) run in a
real thread with their own connection: `off_hub(app, fn)`.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeVar

import greenlet
from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from hall.messages import N_

if TYPE_CHECKING:
    from flask import Flask

logger = logging.getLogger(__name__)
T = TypeVar("T")
WRITE_OPTION = "hall_write"
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)


class Busy(Exception):
    """The write gate or SQLite's lock was not free within the busy timeout (an HTTP 503;
    the web layer maps it, as it maps the engine's errors)."""

    status, code, message = 503, "busy", N_("Hệ thống đang bận, xin thử lại sau giây lát")


class WriteGate:
    """One writer at a time per SQLite database in this process, waited for cooperatively."""

    def __init__(self, timeout_s: float, strict: bool) -> None:
        self.lock = threading.Lock()  # gevent's lock once the process is patched
        self.timeout_s = timeout_s
        self.strict = strict
        self.owner: Any = None

    def acquire(self) -> None:
        current = greenlet.getcurrent()  # each OS thread has its own main greenlet
        if self.owner is not None and self.owner is current:
            raise RuntimeError("a second write transaction in the greenlet that holds the gate")
        if not self.lock.acquire(timeout=self.timeout_s):
            raise Busy()
        self.owner = current

    def release(self) -> None:
        self.owner = None
        self.lock.release()

    def begin_immediate(self, dbapi_connection: Any) -> None:
        """BEGIN IMMEDIATE; another process holding the lock is waited for with sleeps that
        yield (never SQLite's busy handler)."""
        deadline, delay = time.monotonic() + self.timeout_s, 0.001
        while True:
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise Busy() from None
            time.sleep(delay)
            delay = min(delay * 2, 0.05)


def make_engine(url: str, busy_timeout_s: float = 15, pool_size: int = 10,
                strict: bool = False) -> Engine:
    """Create an engine; psycopg 3 for PostgreSQL URLs, the write gate for SQLite."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        # Under gevent many greenlets (a hall of screens reconnecting at once) want a
        # connection together; a larger pool keeps them from queueing.
        engine = create_engine(parsed, pool_size=pool_size, max_overflow=pool_size * 2)
        _install_rested_ping(engine)
        return engine
    engine = create_engine(parsed, pool_size=pool_size, max_overflow=pool_size * 2,
                           connect_args={"timeout": 0, "check_same_thread": False})
    gate = WriteGate(busy_timeout_s, strict)
    _GATES[engine] = gate
    _install_sqlite_events(engine, gate)
    if strict:
        _watch_switches()
    return engine


_GATES: weakref.WeakKeyDictionary[Engine, WriteGate] = weakref.WeakKeyDictionary()
PING_AFTER_S = 2.0


def _install_rested_ping(engine: Engine) -> None:
    """`pool_pre_ping`, for connections that rested in the pool PING_AFTER_S or longer.

    A pre-ping on every checkout costs a round trip per request (a counter action makes
    seven); a connection handed back a moment ago is as good as the ping would find it. A
    connection that rested is pinged, and one that fails is replaced before the request sees
    it (a database restarted overnight). One lost while in use, or in the moment between
    two uses, fails that one request with 503 `busy` and is replaced (hall.web.errors)."""

    @event.listens_for(engine, "checkin")
    def _rest(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["hall.rested"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        rested = record.info.pop("hall.rested", None)
        if rested is None or time.monotonic() - rested < PING_AFTER_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception:
            alive = False
        if not alive:
            raise DisconnectionError("lost while resting in the pool")  # the pool reconnects


def writer(engine: Engine) -> Engine:
    """The same engine, whose transactions are write transactions (Core use: migrations)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def sessions(engine: Engine) -> sessionmaker[Session]:
    """The session factory of an app: its sessions know their engine's write twin."""
    return sessionmaker(engine, expire_on_commit=False, info={WRITER: writer(engine)})


WRITER = "hall.writer"


def _install_sqlite_events(engine: Engine, gate: WriteGate) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite; SQLite itself never waits (busy timeout 0).
        # synchronous=FULL: each commit is on disk before the answer (a ticket answered 201
        # survives a power cut, not only a crash of the process).
        dbapi_connection.isolation_level = None
        for pragma in ("busy_timeout=0", "journal_mode=WAL", "synchronous=FULL",
                       "foreign_keys=ON"):
            _pragma(dbapi_connection, pragma, gate.timeout_s)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if not connection.get_execution_options().get(WRITE_OPTION, False):
            connection.exec_driver_sql("BEGIN")
            return
        gate.acquire()
        try:
            gate.begin_immediate(connection.connection.driver_connection)
        except BaseException:
            gate.release()
            raise
        connection.info["hall.gate"] = True

    def _end(connection: Any) -> None:
        if connection.invalidated:  # its pool record is checked in, which frees the gate
            return
        if connection.info.pop("hall.gate", False):
            gate.release()

    event.listen(engine, "commit", _end)
    event.listen(engine, "rollback", _end)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop("hall.gate", False):  # a lost transaction
            gate.release()

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if connection.info.get("hall.gate") or not _WRITES.match(statement):
            return
        if not connection.in_transaction():
            return
        if gate.strict:
            raise RuntimeError(f"write statement in a read transaction: {statement[:80]}")
        # Not marked as a write: take the gate now (the upgrade fails only if another
        # process writes at this moment, with a clear error rather than a frozen hub).
        logger.warning("write in a read transaction (mark the session): %s", statement[:80])
        gate.acquire()
        connection.info["hall.gate"] = True


def _pragma(dbapi_connection: Any, pragma: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            dbapi_connection.execute(f"PRAGMA {pragma}").close()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


_watching = False


def _watch_switches() -> None:
    """Strict mode: log any greenlet switch away from a gate's holder (installed once)."""
    global _watching
    if _watching:
        return
    _watching = True
    previous = greenlet.gettrace()

    def trace(kind: str, args: Any) -> None:
        if kind in ("switch", "throw"):
            for gate in list(_GATES.values()):
                if gate.strict and gate.owner is not None and args[0] is gate.owner:
                    logger.error("write transaction held across a greenlet switch")
        if previous is not None:
            previous(kind, args)

    greenlet.settrace(trace)


def write(session: Session) -> Session:
    """Make the session's next transaction a write transaction. A read transaction still
    open is ended first (nothing was written in it): call this after the request body is
    read, right before the work that changes rows."""
    engine = session.get_bind()
    if engine.get_execution_options().get(WRITE_OPTION, False):
        return session
    if session.in_transaction():
        session.commit()
    session.bind = session.info.get(WRITER) or writer(engine)  # type: ignore[arg-type]
    return session


def end(session: Session) -> None:
    """End the session's transaction (a read, or a write already committed) before anything
    that yields: an emit, a subprocess, printing, network I/O."""
    if session.in_transaction():
        session.commit()


@contextmanager
def session_scope(app: Flask, writing: bool = False) -> Iterator[Session]:
    """A session outside a request (CLI, socket handlers, background tasks); rolled back
    unless committed. `writing=True` makes its transactions write transactions."""
    session: Session = app.extensions["hall.sessions"]()
    if writing:
        write(session)
    try:
        yield session
    finally:
        session.close()


def off_hub(app: Flask, work: Callable[[Session], T]) -> T:
    """Run a long read-only `work(session)` in a real OS thread with its own connection, so
    the hub keeps serving every socket meanwhile (gevent); in threading mode, in place."""
    from gevent import monkey

    if not monkey.is_module_patched("threading"):
        with session_scope(app) as session:
            return work(session)
    engine = app.extensions.get("hall.report_engine")
    if engine is None:
        url = app.extensions["hall.engine"].url
        engine = create_engine(url, poolclass=NullPool,
                               connect_args={"check_same_thread": False}
                               if url.get_backend_name() == "sqlite" else {})
        app.extensions["hall.report_engine"] = engine

    def run() -> T:
        with Session(engine) as session:
            return work(session)

    return in_thread(run)


def in_thread(work: Callable[[], T]) -> T:
    """`work()` in gevent's pool of OS threads, its result or its error back in the calling
    greenlet. The error is handed back, not raised in the pool, where gevent would print it
    as a crash (a report's unknown field, an unreadable picture: the client's errors). In
    threading mode (no hub to keep free), in place."""
    import gevent
    from gevent import monkey

    if not monkey.is_module_patched("threading"):
        return work()

    def run() -> tuple[T | None, Exception | None]:
        try:
            return work(), None
        except Exception as exc:  # noqa: BLE001 - raised again below, in the request
            return None, exc

    result, error = gevent.get_hub().threadpool.apply(run)
    if error is not None:
        raise error
    return result  # type: ignore[no-any-return]


Step = tuple[str, Any, bool, Any]  # bind name, bind processor, constant?, constant's value


class Prepared:
    """A Core statement compiled once per dialect and run straight on the DBAPI cursor of
    the session's connection: the hot paths (a kiosk tap's sequence, ticket and event rows)
    skip SQLAlchemy's per-execution context, about 50 µs a statement. Parameters still go
    through each column type's bind processor (dates, JSON), so the rows are the same as
    Core writes; statement events (the strict-mode check) do not run, so callers must already
    be inside a write transaction where they write."""

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, list[Step]]] = {}

    def _for(self, dialect: Any) -> tuple[str, tuple[str, ...] | None, list[Step]]:
        compiled = self.statement.compile(dialect=dialect)
        names = compiled.positiontup if compiled.positional else list(compiled.binds)
        steps: list[Step] = []
        for name in names:
            bind = compiled.binds[name]
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            constant = not bind.required  # a literal of the statement, not a parameter
            value = bind.effective_value if constant else None
            if constant and process is not None:
                value, process = process(value), None
            steps.append((name, process, constant, value))
        # positional drivers (sqlite3) take a list; named ones (psycopg) a dict by these names
        keys = None if compiled.positional else tuple(names)
        entry = (compiled.string, keys, steps)
        self._compiled[dialect.name] = entry
        return entry

    def run(self, session: Session, params: dict[str, Any]) -> Any:
        """Execute with `params` (every bind by name); the DBAPI cursor, to fetch from."""
        connection = session.connection()
        dialect = connection.dialect
        sql, keys, steps = self._compiled.get(dialect.name) or self._for(dialect)
        values = [value if constant else params[name] if process is None
                  else process(params[name]) for name, process, constant, value in steps]
        arguments: Any = values if keys is None else dict(zip(keys, values, strict=True))
        dbapi_connection = connection.connection.dbapi_connection
        cursor = dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, arguments)
        except dialect.loaded_dbapi.Error as exc:
            # As Core would: SQLAlchemy's exception types (IntegrityError and the rest), and a
            # connection lost on the way is invalidated rather than returned to the pool.
            if dialect.is_disconnect(exc, dbapi_connection, cursor):
                connection.invalidate(exc)
            raise DBAPIError.instance(sql, arguments, exc, dialect.loaded_dbapi.Error) from exc
        return cursor
