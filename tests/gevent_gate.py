"""Greenlets on one SQLite file under gevent, as `hall run` has them; prints what happened as
JSON. Run by tests/test_db_gate.py in its own process (the patch must come first):

    python -m tests.gevent_gate DATABASE_URL SCENARIO
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
from sqlalchemy import func  # noqa: E402
from sqlalchemy import select  # noqa: E402

from hall import create_app  # noqa: E402
from hall.models import Centre  # noqa: E402
from hall.store import schema  # noqa: E402
from hall.store.db import session_scope  # noqa: E402
from hall.store.db import write  # noqa: E402

HOLD_S = 0.5


def _rename(app: Any, name: str, hold_s: float = 0.0, fail: bool = False) -> float:
    """A write transaction that yields for `hold_s` before its commit; returns when it ended."""
    with session_scope(app) as session:
        write(session)
        centre = session.scalars(select(Centre).limit(1)).one()
        centre.name = name
        session.flush()
        if hold_s:
            gevent.sleep(hold_s)  # what a body read, an emit or a subprocess would do
        if fail:
            raise RuntimeError("the request died half-way")
        session.commit()
    return time.monotonic()


def _read_while_holding(app: Any) -> float:
    """A read transaction kept open across a yield."""
    with session_scope(app) as session:
        session.scalar(select(func.count()).select_from(Centre))
        gevent.sleep(HOLD_S)
        session.scalar(select(func.count()).select_from(Centre))
    return time.monotonic()


def main() -> None:
    url, scenario = sys.argv[1], sys.argv[2]
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "SQLITE_BUSY_TIMEOUT_S": 5})
    schema.upgrade(app.extensions["hall.engine"])
    with session_scope(app, writing=True) as session:
        schema.ensure_default_centre(session, "Asia/Ho_Chi_Minh")
        session.commit()
    beats: list[float] = []

    def heartbeat() -> None:
        while True:
            beats.append(time.monotonic())
            gevent.sleep(0.01)

    ticker = gevent.spawn(heartbeat)
    gevent.sleep(0.05)
    started = time.monotonic()
    if scenario == "write-write":  # the first writer yields holding its transaction
        first = gevent.spawn(_rename, app, "first", HOLD_S)
        gevent.sleep(0.05)
        second = gevent.spawn(_rename, app, "second")
    elif scenario == "read-write":  # a reader yields holding its snapshot
        first = gevent.spawn(_read_while_holding, app)
        gevent.sleep(0.05)
        second = gevent.spawn(_rename, app, "second")
    else:  # "died": the first writer fails half-way; its lock must go with it
        first = gevent.spawn(_rename, app, "first", 0.1, True)
        gevent.sleep(0.05)
        second = gevent.spawn(_rename, app, "second")
    gevent.joinall([first, second], timeout=20)
    ticker.kill()
    with session_scope(app) as session:
        name = session.scalars(select(Centre.name).limit(1)).one()
    gaps = [later - earlier for earlier, later in zip(beats, beats[1:], strict=False)]
    print(json.dumps({
        "first_ok": first.successful(), "second_ok": second.successful(),
        "second_error": repr(second.exception) if second.exception else None,
        "first_done_s": (first.value - started) if first.successful() else None,
        "second_done_s": (second.value - started) if second.successful() else None,
        "worst_heartbeat_gap_s": max(gaps), "name": name,
    }))


if __name__ == "__main__":
    main()
