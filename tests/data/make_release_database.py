"""Makes tests/data/release-0010.sql: a SQLite database written by an earlier hall, for the
upgrade tests. It uses only the public HTTP API and the test world of the code it runs
with, so it runs against the older release's own checkout:

    git worktree add /tmp/hall-0010 ed45f40      # the last commit at schema 0010
    PYTHONPATH=/tmp/hall-0010 .venv/bin/python tests/data/make_release_database.py \\
        tests/data/release-0010.sql

Two service days of a busy morning: tickets in every state (done with a rating and record
codes, no-show, transferred, cancelled, waiting, called), a priority ticket, across fields.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import build_world


def main(out: str) -> None:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'hall.sqlite'}"
    clock = Clock()
    app = make_app(url, clock)
    world = build_world(app, clock.now)
    client = app.test_client()

    def post(who: str, path: str, body: object = None) -> dict[str, object]:
        response = client.post(f"/api/v1{path}", json=body, headers=world.headers(who))
        assert response.status_code in (200, 201), (path, response.get_json())
        return response.get_json() or {}

    for day in range(2):
        post("officer1", "/counters/1/open")
        post("officer2", "/counters/2/open")
        for index in range(12):
            field = ("HT", "CT", "DD")[index % 3]
            body = {"field": field, "priority": index == 5}
            if index == 5:
                body["priority_category"] = "elderly"
            post("kiosk", "/tickets", body)
            clock.advance(40)
        for _ in range(4):  # counter 1: served, rated, with record codes
            ticket = post("officer1", "/counters/1/call-next")
            clock.advance(30)
            post("officer1", "/counters/1/start")
            post("officer1", f"/tickets/{ticket['id']}/records", {"codes": [f"H{ticket['id']:05d}"]})
            clock.advance(240)
            post("officer1", "/counters/1/finish")
            post("tablet1", "/ratings", {"ticket": ticket["id"], "level": "very_satisfied"})
        post("officer2", "/counters/2/call-next")
        clock.advance(60)
        post("officer2", "/counters/2/no-show")
        post("officer2", "/counters/2/call-next")
        clock.advance(60)
        post("officer2", "/counters/2/transfer", {"field": "HT"})
        waiting = client.get("/api/v1/counters/1/waiting", headers=world.headers("officer1"))
        post("manager", f"/tickets/{waiting.get_json()[-1]['id']}/cancel")
        if day == 0:
            post("officer1", "/counters/1/close")
            post("officer2", "/counters/2/close")
            clock.advance(24 * 3600)
        else:
            post("officer1", "/counters/1/call-next")  # left called at the end of the morning
    app.extensions["hall.engine"].dispose()
    with sqlite3.connect(folder / "hall.sqlite") as connection:
        Path(out).write_text("\n".join(connection.iterdump()) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
