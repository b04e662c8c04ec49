"""The reports' heavy work runs off the hub in a real `hall run`: while a month of tickets is
rolled up and a month's list of tickets is written out as an Excel file, the screens' requests
keep being answered."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import requests
from openpyxl import load_workbook

from tests.servers import Server
from tests.test_report_off_hub import DAYS
from tests.test_report_off_hub import PER_DAY
from tests.test_report_off_hub import fill_month


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
