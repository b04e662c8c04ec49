"""A long report never stops the hall: reports run in a real thread with their own
connection, so while ten days of a busy branch's tickets are written out as a spreadsheet
(seconds of work) a real `hall run` keeps answering the screens' requests; the month's
figures by day are right."""

from __future__ import annotations

import threading
import time
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import insert

from hall.models import Ticket
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import build_world
from tests.servers import Server

DAYS, PER_DAY = 30, 1500  # a busy branch's month


def fill_month(url: str) -> dict[str, str]:
    """Tokens of a world whose field HT served DAYS × PER_DAY tickets in March 2026."""
    app = make_app(url)
    world = build_world(app, Clock().now)
    rows = []
    for day in range(DAYS):
        opened = datetime(2026, 3, 1, 1, 0, tzinfo=UTC) + timedelta(days=day)
        for n in range(PER_DAY):
            issued = opened + timedelta(seconds=10 * n)
            rows.append({
                "centre_id": 1, "field_id": 1, "origin_field_id": 1, "service_day": issued.date(),
                "sequence": n + 1, "number": f"A{n + 1:04d}", "priority": False,
                "source": "kiosk", "status": "done", "issued_at": issued, "queued_at": issued,
                "called_at": issued + timedelta(minutes=5), "started_at": None,
                "finished_at": issued + timedelta(minutes=9), "tracking_token": f"t{day}x{n}",
            })  # fmt: skip
    with app.extensions["hall.engine"].begin() as connection:
        connection.execute(insert(Ticket), rows)
    app.extensions["hall.engine"].dispose()
    return world.tokens


def test_a_month_report_leaves_the_hall_answering(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    tokens = fill_month(url)
    with Server(url) as server:
        answers: list[requests.Response] = []
        manager = {"Authorization": f"Bearer {tokens['manager']}"}

        def report() -> None:
            answers.append(requests.get(f"{server.url}/api/v1/stats/tickets?from=2026-03-01"
                                        "&to=2026-03-10&format=xlsx", headers=manager, timeout=120))

        worker = threading.Thread(target=report)
        probes: list[float] = []
        started = time.monotonic()
        worker.start()
        while worker.is_alive():
            before = time.monotonic()
            assert server.api("GET", "/queue", tokens["display"]).status_code == 200
            probes.append(time.monotonic() - before)
            time.sleep(0.05)
        took = time.monotonic() - started
        month = requests.get(f"{server.url}/api/v1/stats?from=2026-03-01&to=2026-03-31&by=day",
                             headers=manager, timeout=60)
    assert answers and answers[0].status_code == 200, answers
    assert answers[0].content[:2] == b"PK"  # an .xlsx (a zip)
    rows = month.json()["rows"]
    assert len(rows) == DAYS and {row["issued"] for row in rows} == {PER_DAY}
    assert rows[0]["key"] == date(2026, 3, 1).isoformat()
    assert took > 1.0, f"the export took {took:.2f} s: too quick to show anything"
    assert len(probes) >= 10 and max(probes) < 0.5, (took, max(probes), len(probes))
