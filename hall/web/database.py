"""The database as the web sees it: the app's engine and session factory, and one session
per request (or app context), closed when it ends. The rules of the engine and its write
gate are in hall.store.db."""

from __future__ import annotations

from flask import Flask
from flask import current_app
from flask import g
from sqlalchemy.orm import Session

from hall.store import db


def init_app(app: Flask) -> None:
    """Attach the engine and session factory to the app."""
    engine = db.make_engine(app.config["DATABASE_URL"], app.config["SQLITE_BUSY_TIMEOUT_S"],
                            app.config["DATABASE_POOL_SIZE"],
                            strict=bool(app.config.get("STRICT_TRANSACTIONS")))
    app.extensions["hall.engine"] = engine
    app.extensions["hall.sessions"] = db.sessions(engine)
    app.teardown_appcontext(_close_session)


def get_session() -> Session:
    """The session of this request (or app context), opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["hall.sessions"]()
    session: Session = g.db_session
    return session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
