"""GET /api/v1/stats against a year's end worked out by hand: the service day's boundary in
Asia/Ho_Chi_Minh (23:30 and 00:30), a transfer counted once with its wait from the first
issue, no-shows, a cancel, a finish straight from the call, the 4-level scale (neutral is not
satisfied), reasons, the within-target share, pause time, ISO weeks across the new year,
filters; and every refused parameter with docs/api.md's error body, never a 5xx."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from hall.api import schemas
from hall.engine import clock as engine_clock
from hall.models import Centre
from hall.models import Rating
from hall.models import Ticket
from hall.models.stats_days import StatsDay
from hall.models.stats_days import StatsDayMark
from hall.read import stats as read_stats
from hall.store.db import session_scope
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import World
from tests.factories import build_world
from tests.factories import issue
from tests.factories import post

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NO_REASONS = {"attitude": 0, "waiting_time": 0, "unclear_guidance": 0, "complicated_procedure": 0,
              "facilities": 0, "other": 0}


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, clock: Clock) -> Iterator[Flask]:
    """The app on SQLite, then on a fresh PostgreSQL database (skipped without
    HALL_TEST_DATABASE_URL): every statistics test runs on both."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    made = make_app(url, clock)
    yield made
    for engine in {id(e): e for e in made.extensions.values() if isinstance(e, Engine)}.values():
        engine.dispose()


def at(clock: Clock, day: str, hhmm: str) -> None:
    """Set the clock to a local time of the centre."""
    clock.now = datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=HANOI).astimezone(UTC)


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    data: dict[str, Any] = response.get_json()
    return data


@pytest.fixture
def year_end(client: FlaskClient, world: World, clock: Clock, monkeypatch: pytest.MonkeyPatch
             ) -> dict[str, Any]:
    """D1 Thu 2026-12-31, D2 Fri 2027-01-01, D3 Mon 2027-01-04 (local times):

    D1 23:30 t1 HT issued; 23:32 called at counter 1 (officer1); 23:33 transferred to CT
       (record HS-1 on it first); 23:37 called at counter 2 (officer2): wait 420 from the
       first issue; 23:38 start, 23:43 finish (300); rated satisfied; record HS-2.
       23:50 officer2 pauses counter 2 (resumed D2 00:34: 600 s counted, to D1's end).
    D2 00:30 t2 CT, t3 DD (target 60 s); 00:31 t3 called at counter 3 (officer3): wait 60,
       finished 00:33 straight from the call (120), rated neutral for its waiting time;
       00:35 t2 called at counter 2: wait 300, no-show 00:36; 00:40 t4 HT, cancelled 00:41.
    D3 09:00 t5 HT; 09:20 called at counter 1: wait 1200 (target 900), finished 09:25 from
       the call (300), rated dissatisfied (attitude, waiting time); 09:30–09:45 officer1
       pauses (900 s); 09:50 t6 HT, 09:55 called (300), 09:56 start, 10:06 finish (600),
       not rated."""
    # open, close and resume are stamped with the engine's clock: the test's own here
    monkeypatch.setattr(engine_clock, "utcnow", clock)
    ok(client.patch("/api/v1/centre", json={"rating_scale": 4}, headers=world.headers("admin")))
    ok(client.patch("/api/v1/fields/DD", json={"target_wait_s": 60}, headers=world.headers("admin")))
    d1, d2, d3 = "2026-12-31", "2027-01-01", "2027-01-04"
    at(clock, d1, "23:30")
    t1 = issue(client, world, "HT")
    for n in (1, 2):
        ok(post(client, world, f"officer{n}", f"/counters/{n}/open"))
    at(clock, d1, "23:32")
    assert ok(post(client, world, "officer1", "/counters/1/call-next"))["id"] == t1["id"]
    ok(post(client, world, "officer1", f"/tickets/{t1['id']}/records", {"codes": ["HS-1"]}))
    at(clock, d1, "23:33")
    t1b = ok(post(client, world, "officer1", "/counters/1/transfer", {"field": "CT"}))
    at(clock, d1, "23:37")
    assert ok(post(client, world, "officer2", "/counters/2/call-next"))["id"] == t1b["id"]
    ok(post(client, world, "officer2", f"/tickets/{t1b['id']}/records", {"codes": ["HS-2", "HS-1"]}))
    at(clock, d1, "23:38")
    ok(post(client, world, "officer2", "/counters/2/start"))
    at(clock, d1, "23:43")
    ok(post(client, world, "officer2", "/counters/2/finish"))
    ok(post(client, world, "tablet2", "/ratings", {"ticket": t1b["id"], "level": "satisfied"}))
    at(clock, d1, "23:50")
    ok(post(client, world, "officer2", "/counters/2/pause", {"reason": "Nghỉ giải lao"}))

    at(clock, d2, "00:30")
    t2 = issue(client, world, "CT")
    t3 = issue(client, world, "DD")
    ok(post(client, world, "officer3", "/counters/3/open"))
    at(clock, d2, "00:31")
    assert ok(post(client, world, "officer3", "/counters/3/call-next"))["id"] == t3["id"]
    at(clock, d2, "00:33")
    ok(post(client, world, "officer3", "/counters/3/finish"))
    ok(post(client, world, "tablet3", "/ratings", {"ticket": t3["id"], "level": "neutral",
                                                   "reasons": ["waiting_time"]}))
    at(clock, d2, "00:34")
    ok(post(client, world, "officer2", "/counters/2/resume"))
    at(clock, d2, "00:35")
    assert ok(post(client, world, "officer2", "/counters/2/call-next"))["id"] == t2["id"]
    at(clock, d2, "00:36")
    ok(post(client, world, "officer2", "/counters/2/no-show"))
    at(clock, d2, "00:40")
    t4 = issue(client, world, "HT")
    at(clock, d2, "00:41")
    ok(post(client, world, "manager", f"/tickets/{t4['id']}/cancel"))

    at(clock, d3, "09:00")
    t5 = issue(client, world, "HT")
    at(clock, d3, "09:20")
    assert ok(post(client, world, "officer1", "/counters/1/call-next"))["id"] == t5["id"]
    at(clock, d3, "09:25")
    ok(post(client, world, "officer1", "/counters/1/finish"))
    ok(post(client, world, "tablet1", "/ratings", {"ticket": t5["id"], "level": "dissatisfied",
                                                   "reasons": ["attitude", "waiting_time"]}))
    at(clock, d3, "09:30")
    ok(post(client, world, "officer1", "/counters/1/pause", {"reason": "Họp"}))
    at(clock, d3, "09:45")
    ok(post(client, world, "officer1", "/counters/1/resume"))
    at(clock, d3, "09:50")
    t6 = issue(client, world, "HT")
    at(clock, d3, "09:55")
    assert ok(post(client, world, "officer1", "/counters/1/call-next"))["id"] == t6["id"]
    at(clock, d3, "09:56")
    ok(post(client, world, "officer1", "/counters/1/start"))
    at(clock, d3, "10:06")
    ok(post(client, world, "officer1", "/counters/1/finish"))
    return {"t1": t1, "t1b": t1b, "t2": t2, "t3": t3, "t4": t4, "t5": t5, "t6": t6}


def stats(client: FlaskClient, world: World, by: str, first: str = "2026-12-31",
          last: str = "2027-01-04", **filters: str) -> dict[Any, Any]:
    query = {"from": first, "to": last, "by": by, **filters}
    response = client.get("/api/v1/stats", query_string=query, headers=world.headers("manager"))
    assert response.status_code == 200, response.get_json()
    schemas.StatsOut.model_validate(response.get_json())
    rows = response.get_json()["rows"]
    assert [row["key"] for row in rows] == sorted(row["key"] for row in rows)
    return {row["key"]: row for row in rows}


def counts(row: dict[str, Any]) -> tuple[int, ...]:
    return (row["issued"], row["served"], row["no_show"], row["transferred"], row["cancelled"])


def test_by_field(client: FlaskClient, world: World, year_end: dict[str, Any]) -> None:
    rows = stats(client, world, "field")
    assert list(rows) == ["CT", "DD", "HT"]
    ht, ct, dd = rows["HT"], rows["CT"], rows["DD"]
    # the transferred ticket counts once, in CT that served it; HT keeps the transfer
    assert counts(ht) == (3, 2, 0, 1, 1)
    assert counts(ct) == (2, 1, 1, 0, 0)
    assert counts(dd) == (1, 1, 0, 0, 0)
    assert ct["wait_s"] == {"avg": 360.0, "p50": 360.0, "p90": 408.0}  # 420 from the first issue, 300
    assert ht["wait_s"] == {"avg": 750.0, "p50": 750.0, "p90": 1110.0}
    assert ht["service_s"] == {"avg": 450.0, "p50": 450.0, "p90": 570.0}  # 300 from the call, 600
    assert dd["service_s"] == {"avg": 120.0, "p50": 120.0, "p90": 120.0}  # from the call
    assert (ht["within_target_pct"], ct["within_target_pct"], dd["within_target_pct"]) == (
        50.0, 100.0, 100.0)  # DD: 60 s against a 60 s target is within
    assert ht["ratings"] == {
        "count": 1, "not_rated": 1, "satisfied_pct": 0.0,
        "by_level": {"very_satisfied": 0, "satisfied": 0, "neutral": 0, "dissatisfied": 1},
        "by_reason": {**NO_REASONS, "attitude": 1, "waiting_time": 1}}
    assert ct["ratings"]["by_level"]["satisfied"] == 1 and ct["ratings"]["satisfied_pct"] == 100.0
    assert dd["ratings"]["by_level"]["neutral"] == 1 and dd["ratings"]["satisfied_pct"] == 0.0
    assert dd["ratings"]["by_reason"] == {**NO_REASONS, "waiting_time": 1}
    assert {row["pause_s"] for row in rows.values()} == {None}


def test_by_counter_and_officer_with_pauses(client: FlaskClient, world: World,
                                            year_end: dict[str, Any]) -> None:
    counters = stats(client, world, "counter")
    assert list(counters) == [1, 2, 3]  # the cancelled ticket never reached a counter
    assert counts(counters[1]) == (2, 2, 0, 1, 0) and counters[1]["pause_s"] == 900.0
    # a pause never resumed that day ends with the service day (23:50 → 24:00)
    assert counts(counters[2]) == (2, 1, 1, 0, 0) and counters[2]["pause_s"] == 600.0
    assert counters[3]["pause_s"] == 0.0
    assert counters[2]["wait_s"]["avg"] == 360.0 and counters[2]["ratings"]["not_rated"] == 0
    officers = stats(client, world, "officer")
    assert list(officers) == ["officer1", "officer2", "officer3"]
    assert [officers[name]["pause_s"] for name in officers] == [900.0, 600.0, 0.0]
    assert officers["officer1"]["ratings"]["not_rated"] == 1
    # the day after: officer2's pause began the day before and is not counted again
    day2 = stats(client, world, "officer", "2027-01-01", "2027-01-01")
    assert list(day2) == ["officer2", "officer3"] and day2["officer2"]["pause_s"] == 0.0


def test_days_across_the_service_day_boundary(client: FlaskClient, world: World,
                                              year_end: dict[str, Any]) -> None:
    days = stats(client, world, "day")
    assert list(days) == ["2026-12-31", "2027-01-01", "2027-01-04"]
    # 23:30 and 00:30 local: 16:30 and 17:30 on the same UTC day, two service days
    assert counts(days["2026-12-31"]) == (1, 1, 0, 1, 0)
    assert counts(days["2027-01-01"]) == (3, 1, 1, 0, 1)
    assert days["2027-01-01"]["wait_s"] == {"avg": 180.0, "p50": 180.0, "p90": 276.0}
    assert days["2027-01-04"]["within_target_pct"] == 50.0
    assert set(stats(client, world, "day", "2027-01-01", "2027-01-01")) == {"2027-01-01"}
    hours = stats(client, world, "hour")
    assert list(hours) == [0, 9, 23]
    assert (hours[23]["issued"], hours[0]["issued"], hours[9]["issued"]) == (1, 3, 2)


def test_weeks_months_quarters_weekdays_across_the_year(client: FlaskClient, world: World,
                                                        year_end: dict[str, Any]) -> None:
    weeks = stats(client, world, "week")
    assert list(weeks) == ["2026-W53", "2027-W01"]  # Friday 1 January 2027 is in 2026's week 53
    w53 = weeks["2026-W53"]
    assert counts(w53) == (4, 2, 1, 1, 1)
    assert w53["wait_s"] == {"avg": 260.0, "p50": 300.0, "p90": 396.0}
    # satisfied and neutral: half satisfied, neutral counting as not satisfied
    assert (w53["ratings"]["count"], w53["ratings"]["satisfied_pct"]) == (2, 50.0)
    months = stats(client, world, "month")
    assert list(months) == ["2026-12", "2027-01"]
    january = months["2027-01"]
    assert counts(january) == (5, 3, 1, 0, 1)
    assert january["wait_s"] == {"avg": 465.0, "p50": 300.0, "p90": 930.0}
    assert january["within_target_pct"] == 75.0
    assert months["2026-12"]["ratings"]["satisfied_pct"] == 100.0
    quarters = stats(client, world, "quarter")
    assert list(quarters) == ["2026-Q4", "2027-Q1"]
    assert counts(quarters["2027-Q1"]) == counts(january)
    weekdays = stats(client, world, "weekday")
    assert list(weekdays) == [1, 4, 5]  # Monday, Thursday, Friday
    assert counts(weekdays[4]) == (1, 1, 0, 1, 0)


def test_filters(app: Flask, client: FlaskClient, world: World, clock: Clock,
                 year_end: dict[str, Any]) -> None:
    by_counter = stats(client, world, "counter", field="HT")
    assert list(by_counter) == [1]
    assert counts(by_counter[1]) == (2, 2, 0, 1, 0)
    assert by_counter[1]["pause_s"] is None  # pauses belong to no field
    officer2 = stats(client, world, "officer", counter="2")
    assert list(officer2) == ["officer2"] and officer2["officer2"]["pause_s"] == 600.0
    days = stats(client, world, "day", officer="officer1")
    assert list(days) == ["2026-12-31", "2027-01-04"]
    assert counts(days["2026-12-31"]) == (0, 0, 0, 1, 0)  # officer1 only transferred it
    assert stats(client, world, "field", "2027-02-01", "2027-02-28") == {}
    for by in ("counter", "officer", "hour", "week"):
        assert stats(client, world, by, "2027-02-01", "2027-02-28") == {}
    build_world(app, clock.now, centre_code="X")  # officer1-X belongs to another centre
    for name, value, code in (("field", "XX", "unknown_field"), ("counter", "9", "unknown_counter"),
                              ("officer", "officer1-X", "unknown_user"),
                              ("officer", "nobody", "unknown_user")):
        for path in ("/api/v1/stats", "/api/v1/stats/tickets"):
            answer = client.get(path, query_string={"from": "2027-01-01", "to": "2027-01-04",
                                                    name: value}, headers=world.headers("manager"))
            assert answer.status_code == 404, answer.get_data(as_text=True)
            schemas.ErrorOut.model_validate(answer.get_json())
            assert answer.get_json()["error"]["code"] == code


BAD = [
    {"from": "2027-01-04", "to": "2027-01-01"},  # reversed
    {"from": "2027-13-01", "to": "2027-01-01"}, {"from": "2027-01-01", "to": "x"},
    {"from": "2027-02-30", "to": "2027-03-01"}, {"to": "2027-03-01"}, {"from": "2027-03-01"},
    {"from": "2020-01-01", "to": "2025-01-02"},  # five years and a day
    {"from": "2020-02-29", "to": "2025-03-01"},
    {"from": "1999-12-31", "to": "2000-01-01"}, {"from": "2099-12-31", "to": "2100-01-01"},
    {"from": "2027-01-01", "to": "2027-01-04", "by": "planet"},
    {"from": "2027-01-01", "to": "2027-01-04", "by": "Field"},
    {"from": "2027-01-01", "to": "2027-01-04", "format": "pdf"},
    {"from": "2027-01-01", "to": "2027-01-04", "counter": "0"},
    {"from": "2027-01-01", "to": "2027-01-04", "counter": "١"},
    {"from": "2027-01-01", "to": "2027-01-04", "counter": "²"},
    {"from": "2027-01-01", "to": "2027-01-04", "counter": "1_0"},
    {"from": "2027-01-01", "to": "2027-01-04", "counter": "10000"},
    {"from": "2027-01-01", "to": "2027-01-04", "field": "H T"},
    {"from": "2027-01-01", "to": "2027-01-04", "field": "HT\x00"},
    {"from": "2027-01-01", "to": "2027-01-04", "officer": "a\x00"},
    {"from": "2027-01-01", "to": "2027-01-04", "officer": "x" * 65},
    {"from": "2027-01-01", "to": "2027-01-04", "user": "officer1"},  # not a parameter here
]  # fmt: skip


@pytest.mark.parametrize("path", ["/api/v1/stats", "/api/v1/stats/tickets"])
def test_bad_parameters_are_400(client: FlaskClient, world: World, path: str) -> None:
    for query in BAD:
        if path.endswith("tickets") and "by" in query:
            continue
        answer = client.get(path, query_string=query, headers=world.headers("manager"))
        assert answer.status_code == 400, (query, answer.get_data(as_text=True))
        schemas.ErrorOut.model_validate(answer.get_json())
        assert answer.get_json()["error"]["code"] == "invalid_parameters", query
    # the edges that pass: five years to the day, 29 February, every grouping and format
    for first, last in (("2020-01-01", "2025-01-01"), ("2020-02-29", "2025-02-28"),
                        ("2000-01-01", "2000-01-01"), ("2099-12-31", "2099-12-31")):
        answer = client.get(path, query_string={"from": first, "to": last},
                            headers=world.headers("manager"))
        assert answer.status_code == 200, answer.get_data(as_text=True)
    for by in ("field", "counter", "officer", "day", "week", "month", "quarter", "hour", "weekday"):
        for form in ("json", "csv", "xlsx"):
            answer = client.get("/api/v1/stats", query_string={
                "from": "2026-01-01", "to": "2026-12-31", "by": by, "format": form},
                headers=world.headers("admin"))
            assert answer.status_code == 200, (by, form, answer.get_data(as_text=True))


def test_only_managers_and_admins(client: FlaskClient, world: World) -> None:
    for path in ("/api/v1/stats", "/api/v1/stats/tickets"):
        query = {"from": "2026-03-02", "to": "2026-03-02"}
        for who in ("officer1", "kiosk", "tablet1", "display"):
            assert client.get(path, query_string=query, headers=world.headers(who)).status_code == 403
        assert client.get(path, query_string=query).status_code == 401
        assert client.get(path, query_string=query, headers=world.headers("admin")).get_json() == {
            "rows": []}


def test_rolled_up_days_give_the_same_figures_and_follow_changes(
        app: Flask, client: FlaskClient, world: World, year_end: dict[str, Any]) -> None:
    """Days two days old are read from stats_days: every grouping and filter gives what the
    tickets give; a later change to a ticket or a rating of such a day drops its roll-up
    (database triggers), and the next report builds it again."""
    first, last, today = date(2026, 12, 31), date(2027, 1, 4), date(2027, 1, 4)
    with session_scope(app) as session:
        centre = session.scalars(select(Centre).order_by(Centre.id)).one()
        scopes = [read_stats.Scope(centre, first, last)] + [
            read_stats.scope(session, centre, first, last, **given)
            for given in ({"field": "HT"}, {"counter": 2}, {"officer": "officer1"})]
        for scope in scopes:
            for by in read_stats.BY:
                live = read_stats.report(session, centre, first, last, by, within=scope)
                rolled = read_stats.report(session, centre, first, last, by, within=scope,
                                           today=today)
                assert rolled == live, (by, scope)
        marks = set(session.scalars(select(StatsDayMark.service_day)))
        assert marks == {date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2)}
        assert session.scalar(select(StatsDay.id).limit(1)) is not None
    rows = stats(client, world, "field")
    assert rows["DD"]["ratings"]["satisfied_pct"] == 0.0
    t2, t3 = year_end["t2"]["id"], year_end["t3"]["id"]
    with session_scope(app, writing=True) as session:  # a rating changed days later
        session.execute(update(Rating).where(Rating.ticket_id == t3).values(level="very_satisfied"))
        session.commit()
    with session_scope(app) as session:
        assert set(session.scalars(select(StatsDayMark.service_day))) == {
            date(2026, 12, 31), date(2027, 1, 2)}
    rows = stats(client, world, "field")
    assert rows["DD"]["ratings"]["satisfied_pct"] == 100.0
    with session_scope(app, writing=True) as session:  # a ticket of that day called later on
        called = session.scalar(select(Ticket.called_at).where(Ticket.id == t2))
        assert called is not None
        session.execute(update(Ticket).where(Ticket.id == t2).values(
            called_at=called + timedelta(seconds=600)))
        session.execute(Rating.__table__.delete().where(Rating.ticket_id == t3))
        session.commit()
    rows = stats(client, world, "field")
    assert rows["CT"]["wait_s"] == {"avg": 660.0, "p50": 660.0, "p90": 852.0}  # 420 and 900
    assert rows["DD"]["ratings"]["count"] == 0 and rows["DD"]["ratings"]["not_rated"] == 1
    with session_scope(app) as session:
        assert len(set(session.scalars(select(StatsDayMark.service_day)))) == 3


def test_two_reports_rolling_up_the_same_days(app: Flask, year_end: dict[str, Any]) -> None:
    """Two reports that find the same days missing at once: one rolls each day up, the other
    leaves it so; no row twice, no error."""
    first, last = date(2026, 12, 31), date(2027, 1, 2)
    with session_scope(app) as session:
        centre = session.scalars(select(Centre).order_by(Centre.id)).one()
        read_stats.roll_up(session, centre, first, last)
        once = sorted(tuple(row) for row in session.execute(select(
            StatsDay.service_day, StatsDay.field_id, StatsDay.hour, StatsDay.issued)))
    with session_scope(app, writing=True) as session:
        session.execute(StatsDay.__table__.delete())
        session.execute(StatsDayMark.__table__.delete())
        session.commit()
    barrier, failures = threading.Barrier(2), []

    def report() -> None:
        try:
            with session_scope(app) as session:
                centre = session.scalars(select(Centre).order_by(Centre.id)).one()
                barrier.wait()
                read_stats.report(session, centre, first, last, "field", today=date(2027, 1, 4))
        except Exception as exc:  # noqa: BLE001  (reported below)
            failures.append(exc)

    workers = [threading.Thread(target=report) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    with session_scope(app) as session:
        twice = sorted(tuple(row) for row in session.execute(select(
            StatsDay.service_day, StatsDay.field_id, StatsDay.hour, StatsDay.issued)))
        assert twice == once
        assert len(set(session.scalars(select(StatsDayMark.service_day)))) == 3


def test_a_day_that_could_not_be_rolled_up_is_read_from_its_tickets(
        app: Flask, year_end: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    built = read_stats._build_day

    def busy_on_new_year(writing: Any, centre_id: int, timezone: str, day: date) -> None:
        if day == date(2027, 1, 1):
            raise OperationalError("LOCK TABLE tickets", {}, Exception("deadlock detected"))
        built(writing, centre_id, timezone, day)

    monkeypatch.setattr(read_stats, "_build_day", busy_on_new_year)
    first, last = date(2026, 12, 31), date(2027, 1, 4)
    with session_scope(app) as session:
        centre = session.scalars(select(Centre).order_by(Centre.id)).one()
        for by in ("field", "day", "hour", "officer"):
            assert read_stats.report(session, centre, first, last, by, today=last) == \
                read_stats.report(session, centre, first, last, by), by
        assert set(session.scalars(select(StatsDayMark.service_day))) == {
            date(2026, 12, 31), date(2027, 1, 2)}
    assert read_stats._spans(first, last, {date(2026, 12, 31), date(2027, 1, 2)}) == [
        (date(2027, 1, 1), date(2027, 1, 1)), (date(2027, 1, 3), date(2027, 1, 4))]
