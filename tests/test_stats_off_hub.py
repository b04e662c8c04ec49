"""The reports' heavy work runs off the hub in a real `hall run`: while a month of tickets is
rolled up and a month's list of tickets is written out as an Excel file, the screens' requests
keep being answered."""

from __future__ import annotations

import io
import threading
import time
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import requests
from openpyxl import load_workbook
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


def test_roll_up_and_files_leave_the_hall_answering(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    tokens = fill_month(url)
    manager = {"Authorization": f"Bearer {tokens['manager']}"}
    with Server(url) as server:
        answers: list[requests.Response] = []

        def reports() -> None:
            # March 2026 is closed by the server's clock: the first report rolls it up
            for path in ("/api/v1/stats?from=2026-03-01&to=2026-03-31&by=week&format=xlsx",
                         "/api/v1/stats?from=2026-03-01&to=2026-03-31&by=day",
                         "/api/v1/stats/tickets?from=2026-03-01&to=2026-03-31&format=xlsx"):
                answers.append(requests.get(f"{server.url}{path}", headers=manager, timeout=120))

        worker = threading.Thread(target=reports)
        probes: list[float] = []
        started = time.monotonic()
        worker.start()
        while worker.is_alive():
            before = time.monotonic()
            assert server.api("GET", "/queue", tokens["display"]).status_code == 200
            probes.append(time.monotonic() - before)
            time.sleep(0.05)
        took = time.monotonic() - started
    assert [answer.status_code for answer in answers] == [200, 200, 200], answers
    weeks = load_workbook(io.BytesIO(answers[0].content)).active
    assert weeks is not None and weeks.title == "Theo tuần"
    assert sum(weeks.cell(row, 2).value for row in range(5, weeks.max_row + 1)) == DAYS * PER_DAY
    days = answers[1].json()["rows"]
    assert len(days) == DAYS and {row["issued"] for row in days} == {PER_DAY}
    listed = load_workbook(io.BytesIO(answers[2].content), read_only=True).active
    assert listed is not None and sum(1 for _ in listed.iter_rows(min_row=5)) == DAYS * PER_DAY
    assert took > 1.0, f"the reports took {took:.2f} s: too quick to show anything"
    assert len(probes) >= 10 and max(probes) < 0.5, (took, max(probes), len(probes))


def test_a_refused_report_or_logo_logs_no_traceback(tmp_path: Path) -> None:
    """A filter naming nothing and a picture that is none are the client's errors, found in
    the thread pool: they are answered 404 and 400 and not printed to stderr as crashes."""
    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    app = make_app(url)
    tokens = build_world(app, Clock().now).tokens
    app.extensions["hall.engine"].dispose()
    days = {"from": "2026-03-01", "to": "2026-03-31"}
    with Server(url, log_path=tmp_path / "server.log") as server:
        for path, query, code in (("/stats", {"officer": "nobody"}, "unknown_user"),
                                  ("/stats/tickets", {"field": "ZZ"}, "unknown_field"),
                                  ("/stats/workbook", {"counter": "99"}, "unknown_counter")):
            answer = server.api("GET", path, tokens["manager"], params={**days, **query})
            assert (answer.status_code, answer.json()["error"]["code"]) == (404, code)
        logo = requests.put(f"{server.url}/api/v1/centre/logo", data=b"GIF89a, not a PNG", timeout=10,
                            headers={"Authorization": f"Bearer {tokens['admin']}",
                                     "Content-Type": "image/png"})
        assert (logo.status_code, logo.json()["error"]["code"]) == (400, "invalid_image")
        assert server.api("GET", "/stats", tokens["manager"], params=days).status_code == 200
    assert "Traceback" not in server.log(), server.log()
