"""Engine and per-request session; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask import current_app
from flask import g
from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker


def make_engine(url: str, busy_timeout_s: float = 15, pool_size: int = 10) -> Engine:
    """Create an engine; psycopg 3 for PostgreSQL URLs, tuned pysqlite for SQLite."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        # Under gevent many greenlets (a hall of screens reconnecting at once) want a
        # connection together; a larger pool keeps them from queueing.
        return create_engine(parsed, pool_pre_ping=True, pool_size=pool_size,
                             max_overflow=pool_size * 2)
    engine = create_engine(
        parsed, connect_args={"timeout": busy_timeout_s, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so we can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers queue on the lock up front, instead of failing on upgrade.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def init_app(app: Flask) -> None:
    """Attach the engine and session factory to the app."""
    engine = make_engine(app.config["DATABASE_URL"], app.config["SQLITE_BUSY_TIMEOUT_S"],
                         app.config["DATABASE_POOL_SIZE"])
    app.extensions["hall.engine"] = engine
    app.extensions["hall.sessions"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def get_session() -> Session:
    """The session of this request (or app context), opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["hall.sessions"]()
    session: Session = g.db_session
    return session


@contextmanager
def session_scope(app: Flask) -> Iterator[Session]:
    """A session outside a request (CLI, socket handlers); rolled back unless committed."""
    session: Session = app.extensions["hall.sessions"]()
    try:
        yield session
    finally:
        session.close()


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
