"""GET /api/v1/stats against figures worked out by hand from a fixed-clock day."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from hall.api import schemas
from hall.read.stats import durations
from tests.conftest import Clock
from tests.factories import World
from tests.factories import issue
from tests.factories import post
from tests.test_stats_rules import app as app  # noqa: F401  (SQLite, then PostgreSQL)


@pytest.fixture
def two_days(client: FlaskClient, world: World, clock: Clock) -> None:
    """Day 1 from 09:00: A001 waits 60 s, serves 300 s; B001 waits 120 s, serves 120 s
    without a start; A002 (10:00) waits 180 s and does not come. Day 2: A001 waits."""
    a001 = issue(client, world, "HT")
    b001 = issue(client, world, "CT")
    post(client, world, "officer1", "/counters/1/open")
    post(client, world, "officer2", "/counters/2/open")
    clock.advance(60)
    post(client, world, "officer1", "/counters/1/call-next")
    clock.advance(60)
    post(client, world, "officer1", "/counters/1/start")
    post(client, world, "officer2", "/counters/2/call-next")
    clock.advance(120)
    post(client, world, "officer2", "/counters/2/finish")
    clock.advance(180)
    post(client, world, "officer1", "/counters/1/finish")
    post(client, world, "tablet1", "/ratings", {"ticket": a001["id"], "level": "very_satisfied"})
    post(client, world, "tablet2", "/ratings", {"ticket": b001["id"], "level": "dissatisfied"})
    clock.advance(3600 - 420)  # 10:00
    issue(client, world, "HT")
    clock.advance(180)
    post(client, world, "officer1", "/counters/1/call-next")
    post(client, world, "officer1", "/counters/1/no-show")
    clock.advance(23 * 3600 - 180)  # 09:00 the next day
    issue(client, world, "HT")


def stats(client: FlaskClient, world: World, by: str, to: str = "2026-03-03") -> dict[Any, Any]:
    response = client.get(f"/api/v1/stats?from=2026-03-02&to={to}&by={by}",
                          headers=world.headers("manager"))
    assert response.status_code == 200, response.get_json()
    schemas.StatsOut.model_validate(response.get_json())
    return {row["key"]: row for row in response.get_json()["rows"]}


def test_by_field(client: FlaskClient, world: World, two_days: None) -> None:
    rows = stats(client, world, "field")
    ht, ct = rows["HT"], rows["CT"]
    assert set(rows) == {"HT", "CT"}
    assert (ht["issued"], ht["served"], ht["no_show"]) == (3, 1, 1)
    assert ht["wait_s"] == {"avg": 120.0, "p50": 120.0, "p90": 168.0}
    assert ht["service_s"] == {"avg": 300.0, "p50": 300.0, "p90": 300.0}
    assert ht["ratings"] == {"count": 1, "not_rated": 0, "satisfied_pct": 100.0, "by_level": {
        "very_satisfied": 1, "satisfied": 0, "dissatisfied": 0}, "by_reason": {
        "attitude": 0, "waiting_time": 0, "unclear_guidance": 0, "complicated_procedure": 0,
        "facilities": 0, "other": 0}}
    assert (ht["transferred"], ht["cancelled"], ht["within_target_pct"], ht["pause_s"]) == (
        0, 0, 100.0, None)
    assert (ct["issued"], ct["served"], ct["service_s"]["avg"]) == (1, 1, 120.0)
    assert ct["ratings"]["satisfied_pct"] == 0.0


def test_by_counter_officer_day_hour(client: FlaskClient, world: World, two_days: None) -> None:
    counters = stats(client, world, "counter")
    assert set(counters) == {1, 2} and counters[1]["no_show"] == 1
    assert counters[1]["pause_s"] == 0.0  # the counter groupings carry pause time
    officers = stats(client, world, "officer")
    assert officers["officer2"]["ratings"]["by_level"]["dissatisfied"] == 1
    days = stats(client, world, "day")
    assert (days["2026-03-02"]["issued"], days["2026-03-03"]["issued"]) == (3, 1)
    assert days["2026-03-03"]["wait_s"]["avg"] is None
    hours = stats(client, world, "hour")
    assert (hours[9]["issued"], hours[10]["issued"]) == (3, 1)
    assert set(stats(client, world, "day", to="2026-03-02")) == {"2026-03-02"}


def test_stats_need_a_manager(client: FlaskClient, world: World) -> None:
    url = "/api/v1/stats?from=2026-03-02&to=2026-03-02"
    assert client.get(url, headers=world.headers("officer1")).status_code == 403
    assert client.get(url, headers=world.headers("admin")).get_json() == {"rows": []}


def test_percentiles() -> None:
    assert durations([]) == {"avg": None, "p50": None, "p90": None}
    assert durations([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]) == {
        "avg": 55.0, "p50": 55.0, "p90": 91.0}
