"""PostgreSQL connections lost while they rest in the pool (a database restarted overnight) are
replaced before a request sees them; one lost in the moment between two uses fails that one
request with 503 `busy`, never 500, and the next request works."""

from __future__ import annotations

import psycopg
import pytest

from hall.store import db
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import build_world


def _kill_connections(url: str) -> int:
    """Terminate every server process connected to the test's database; how many."""
    name = url.rsplit("/", 1)[1]
    base = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(base, autocommit=True) as admin:
        rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchall()
    return len(rows)


@pytest.mark.parametrize("rested_s, first_status", [(0.0, 200), (3600.0, 503)])
def test_lost_connections(pg_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch,
                          rested_s: float, first_status: int) -> None:
    monkeypatch.setattr(db, "PING_AFTER_S", rested_s)
    app = make_app(pg_url, clock)
    try:
        world = build_world(app, clock.now)
        client = app.test_client()
        display = {"Authorization": f"Bearer {world.tokens['display']}"}
        assert client.get("/api/v1/queue", headers=display).status_code == 200
        assert _kill_connections(pg_url) >= 1
        first = client.get("/api/v1/queue", headers=display)
        assert first.status_code == first_status, first.get_json()
        if first_status == 503:
            assert first.get_json()["error"]["code"] == "busy"
        assert client.get("/api/v1/queue", headers=display).status_code == 200
    finally:
        app.extensions["hall.engine"].dispose()
