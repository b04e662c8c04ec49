"""A province-year of tickets, then the managers' reports timed on it.

    python -m bench.year --tickets 2000000 --database sqlite:////tmp/year.sqlite
    python -m bench.year --tickets 2000000 --database postgresql://postgres@127.0.0.1:5432/hall_bench
    python -m bench.year --database URL --reuse      # time an already filled database again

Fills an empty database (or, with --reset, empties it first: every table of that database
goes) with one centre's year: 20 fields (land the busiest), 30 counters serving one to three
fields, 36 officers, citizens arriving on weekdays only with a morning and an afternoon peak,
waits and service times that grow with the queue, transfers (7 %), no-shows (6 %),
cancellations (3 %), ratings for about 60 % of the served and record codes for most. Rows go
in as batched multi-row inserts (executemany), ids given, nothing row by row; the log of
ticket events is left out (the reports never read it). Then it times, through the API as a
manager calls it (Flask test client, same process), the monthly report by field and the
quarterly report by officer as JSON and as .xlsx, and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections.abc import Iterator
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text

from hall.engine import auth
from hall.models import Centre
from hall.models import Counter
from hall.models import CounterField
from hall.models import Field
from hall.models import Rating
from hall.models import Ticket
from hall.models import TicketRecord
from hall.models import User
from hall.models.counter_events import CounterEvent
from hall.models.stats_days import StatsDay
from hall.models.stats_days import StatsDayMark

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# (code, name, share of the tickets, mean service in minutes)
FIELDS = [
    ("DD", "Đất đai", 0.26, 12.0), ("HT", "Hộ tịch", 0.14, 6.0), ("CT", "Chứng thực", 0.12, 3.0),
    ("KD", "Đăng ký kinh doanh", 0.07, 8.0), ("XD", "Xây dựng", 0.05, 10.0),
    ("TP", "Tư pháp", 0.04, 7.0), ("LD", "Lao động – việc làm", 0.04, 6.0),
    ("BTXH", "Bảo trợ xã hội", 0.03, 6.0), ("NCC", "Người có công", 0.02, 7.0),
    ("YT", "Y tế", 0.03, 6.0), ("GD", "Giáo dục và Đào tạo", 0.03, 5.0),
    ("MT", "Môi trường", 0.02, 8.0), ("NN", "Nông nghiệp", 0.02, 7.0),
    ("TC", "Tài chính", 0.03, 6.0), ("CTH", "Công Thương", 0.02, 6.0),
    ("VH", "Văn hóa, Thể thao và Du lịch", 0.02, 5.0), ("KHCN", "Khoa học và Công nghệ", 0.01, 6.0),
    ("NV", "Nội vụ", 0.02, 5.0), ("GT", "Giao thông", 0.02, 6.0),
    ("VPDK", "Văn phòng đăng ký đất đai", 0.01, 10.0),
]  # fmt: skip
COUNTERS = 30
OFFICERS = 36
PAUSE_REASONS = ("Nghỉ giải lao", "Họp giao ban", "Xử lý hồ sơ tồn", "Hỗ trợ quầy khác")
LEVELS = (("very_satisfied", 0.55), ("satisfied", 0.38), ("dissatisfied", 0.07))
REASONS = ("attitude", "waiting_time", "unclear_guidance", "complicated_procedure", "facilities",
           "other")
BATCH = 5000


def weekdays(year: int) -> list[date]:
    day, found = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5:
            found.append(day)
        day += timedelta(days=1)
    return found


def _arrival(rng: random.Random, day: date) -> datetime:
    """Local arrival time: 60 % in the morning (07:30–11:30, busiest near 08:45), 40 % in the
    afternoon (13:30–17:00, busiest near 14:15)."""
    if rng.random() < 0.6:
        minutes = rng.triangular(7.5 * 60, 11.5 * 60, 8.75 * 60)
    else:
        minutes = rng.triangular(13.5 * 60, 17 * 60, 14.25 * 60)
    local = datetime(day.year, day.month, day.day, tzinfo=ZONE) + timedelta(
        minutes=minutes, seconds=rng.random())
    return local.astimezone(UTC)


def _service(rng: random.Random, mean_min: float) -> float:
    sigma = 0.6
    return 60 * mean_min * math.exp(rng.gauss(-sigma * sigma / 2, sigma))


class Filler:
    def __init__(self, url: str, tickets: int, year: int, seed: int) -> None:
        self.url, self.total, self.year = url, tickets, year
        self.rng = random.Random(seed)
        self.engine = create_engine(url)
        self.ticket_id = self.rating_id = self.record_id = self.event_id = self.issued = 0
        self.counts = {"tickets": 0, "ratings": 0, "ticket_records": 0, "counter_events": 0}

    # -- the centre's set-up, through the ORM (a few dozen rows)

    def setup(self) -> dict[str, Any]:
        from sqlalchemy.orm import Session

        auth.PASSWORD_METHOD = "pbkdf2:sha256:1000"
        now = datetime(self.year, 1, 1, tzinfo=UTC)
        with Session(self.engine) as session:
            centre = session.scalars(select(Centre).order_by(Centre.id)).first()
            assert centre is not None
            centre.name = "Trung tâm Phục vụ hành chính công tỉnh (bench)"
            fields = []
            for position, (code, name, _share, _mean) in enumerate(FIELDS):
                prefix = chr(ord("A") + position)
                field = Field(centre_id=centre.id, code=code, name=name, name_en=code,
                              position=position, prefix=prefix,
                              target_wait_s=self.rng.choice((600, 900, 900, 1200)))
                session.add(field)
                fields.append(field)
            session.flush()
            shares = [share for _, _, share, _ in FIELDS]
            counters = []
            for number in range(1, COUNTERS + 1):
                main = self.rng.choices(range(len(FIELDS)), weights=shares)[0]
                served = [main] + self.rng.sample(range(len(FIELDS)), self.rng.choice((0, 1, 2)))
                counter = Counter(centre_id=centre.id, number=number, name=f"Quầy {number}")
                session.add(counter)
                session.flush()
                for position, index in enumerate(dict.fromkeys(served)):
                    session.add(CounterField(counter_id=counter.id, field_id=fields[index].id,
                                             position=position))
                counters.append((counter.id, list(dict.fromkeys(served))))
            officers = []
            for n in range(1, OFFICERS + 1):
                user = User(centre_id=centre.id, username=f"canbo{n:02d}", full_name=f"Cán bộ {n}",
                            role="officer", password_hash="!", created_at=now)
                session.add(user)
                officers.append(user)
            manager = User(centre_id=centre.id, username="bench-manager", role="manager",
                           password_hash="!", created_at=now)
            session.add(manager)
            session.flush()
            token = auth.issue_user_token(session, manager, now)
            session.commit()
            return {"centre": centre.id, "fields": [f.id for f in fields],
                    "counters": counters, "officers": [u.id for u in officers], "token": token,
                    "prefixes": [f.prefix for f in fields]}

    # -- the year, in batches

    def fill(self, world: dict[str, Any]) -> None:
        days = weekdays(self.year)
        per_day = self.total / len(days)
        shares = [share for _, _, share, _ in FIELDS]
        by_field: dict[int, list[int]] = {i: [] for i in range(len(FIELDS))}
        for slot, (_counter_id, served) in enumerate(world["counters"]):
            for index in served:
                by_field[index].append(slot)
        for index, slots in by_field.items():
            if not slots:  # every field has a counter
                slot = self.rng.randrange(COUNTERS)
                world["counters"][slot][1].append(index)
                slots.append(slot)
        tickets: list[dict[str, Any]] = []
        ratings: list[dict[str, Any]] = []
        records: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        with self.engine.connect() as connection:
            def flush(final: bool = False) -> None:
                for table, rows in ((Ticket, tickets), (Rating, ratings), (TicketRecord, records),
                                    (CounterEvent, events)):
                    if rows and (final or len(rows) >= BATCH or table is Ticket):
                        connection.execute(insert(table), rows)
                        self.counts[table.__tablename__] += len(rows)
                        rows.clear()
                connection.commit()

            for day_index, day in enumerate(days):
                # a busier Monday and morning after a holiday; quieter Fridays
                factor = (1.15, 1.0, 1.0, 0.95, 0.9)[day.weekday()]
                count = int(per_day * factor * self.rng.uniform(0.85, 1.15))
                if day_index == len(days) - 1:
                    count = max(0, self.total - self.issued)
                self.issued += count
                staff = self._staff(world, day)
                events.extend(self._counter_day(world, day, staff))
                arrivals = sorted((_arrival(self.rng, day), self.rng.choices(
                    range(len(FIELDS)), weights=shares)[0]) for _ in range(count))
                sequences = [0] * len(FIELDS)
                for issued, index in arrivals:
                    sequences[index] += 1
                    self._ticket(world, day, issued, index, sequences[index], by_field, staff,
                                 tickets, ratings, records)
                if len(tickets) >= BATCH or day_index == len(days) - 1:
                    flush(final=day_index == len(days) - 1)
                    if day_index % 20 == 0:
                        print(f"  {day.isoformat()}: {self.counts['tickets'] + len(tickets):,} tickets",
                              flush=True)
            flush(final=True)

    def _staff(self, world: dict[str, Any], day: date) -> dict[int, int]:
        """Counter slot → officer id for the day: each counter its usual officer, one in ten
        days a substitute from the spare officers."""
        officers = world["officers"]
        spare = officers[COUNTERS:]
        staff = {}
        for slot in range(COUNTERS):
            usual = officers[slot]
            staff[slot] = self.rng.choice(spare) if spare and self.rng.random() < 0.1 else usual
        return staff

    def _counter_day(self, world: dict[str, Any], day: date, staff: dict[int, int]
                     ) -> list[dict[str, Any]]:
        rows = []
        base = datetime(day.year, day.month, day.day, tzinfo=ZONE)
        for slot, officer in staff.items():
            counter_id = world["counters"][slot][0]
            for start, end in ((7.5, 11.5), (13.5, 17.0)):
                opened = base + timedelta(hours=start, minutes=self.rng.uniform(-5, 10))
                closed = base + timedelta(hours=end, minutes=self.rng.uniform(-10, 15))
                moments = [(opened, "open", None)]
                for _ in range(self.rng.choice((0, 1, 1, 2))):
                    span = (closed - opened).total_seconds() / 60
                    paused = opened + timedelta(minutes=self.rng.uniform(20, span - 40))
                    length = timedelta(minutes=self.rng.uniform(3, 25))
                    moments.append((paused, "pause", self.rng.choice(PAUSE_REASONS)))
                    moments.append((paused + length, "resume", None))
                moments.append((closed, "close", None))
                for at, kind, reason in sorted(moments, key=lambda m: m[0]):
                    self.event_id += 1
                    rows.append({"id": self.event_id, "centre_id": world["centre"],
                                 "counter_id": counter_id, "officer_id": officer, "kind": kind,
                                 "reason": reason, "at": at.astimezone(UTC)})
        return rows

    def _ticket(self, world: dict[str, Any], day: date, issued: datetime, index: int,
                sequence: int, by_field: dict[int, list[int]], staff: dict[int, int],
                tickets: list[dict[str, Any]], ratings: list[dict[str, Any]],
                records: list[dict[str, Any]]) -> None:
        rng = self.rng
        field_id = world["fields"][index]
        prefix = world["prefixes"][index]
        number = f"{prefix}{sequence:03d}"
        local_hour = issued.astimezone(ZONE).hour
        busy = 1.8 if local_hour in (8, 9, 14) else 1.0
        wait = min(3 * 3600.0, rng.expovariate(1 / (600 * busy)))
        self.ticket_id += 1
        root_id = self.ticket_id
        row: dict[str, Any] = {
            "id": root_id, "centre_id": world["centre"], "field_id": field_id,
            "origin_field_id": field_id, "service_day": day, "sequence": sequence,
            "number": number, "priority": rng.random() < 0.04, "priority_category": None,
            "source": "kiosk", "status": "done", "issued_at": issued, "queued_at": issued,
            "called_at": None, "started_at": None, "finished_at": None, "counter_id": None,
            "officer_id": None, "target_counter_id": None, "device_id": None,
            "tracking_token": f"{root_id:x}{rng.getrandbits(32):08x}",
            "transferred_from_id": None,
        }
        tickets.append(row)
        fate = rng.random()
        if fate < 0.03:  # left before the call
            row["status"], row["finished_at"] = "cancelled", issued + timedelta(seconds=wait * 0.7)
            return
        slot = rng.choice(by_field[index])
        self._serve(row, issued + timedelta(seconds=wait), slot, world, staff, index)
        if fate < 0.09:  # did not come
            row["status"], row["started_at"] = "no_show", None
            row["finished_at"] = row["called_at"] + timedelta(seconds=rng.uniform(60, 180))
            return
        codes_on = row
        if fate < 0.16:  # sent to another field after a short talk
            row["status"] = "transferred"
            row["finished_at"] = row["called_at"] + timedelta(seconds=rng.uniform(30, 240))
            if rng.random() < 0.5:
                self._records(row, records)  # a code given at the first counter follows
            target = rng.choices(range(len(FIELDS)), weights=[s for _, _, s, _ in FIELDS])[0]
            self.ticket_id += 1
            copy = dict(row, id=self.ticket_id, field_id=world["fields"][target], source="transfer",
                        status="done", issued_at=row["finished_at"], called_at=None,
                        started_at=None, finished_at=None, counter_id=None, officer_id=None,
                        transferred_from_id=root_id)
            tickets.append(copy)
            again = row["finished_at"] + timedelta(seconds=rng.expovariate(1 / 400))
            self._serve(copy, again, rng.choice(by_field[target]), world, staff, target)
            if rng.random() < 0.05:
                copy["status"], copy["started_at"] = "no_show", None
                copy["finished_at"] = copy["called_at"] + timedelta(seconds=90)
                return
            row, index, codes_on = copy, target, copy
        if rng.random() < 0.6:
            self.rating_id += 1
            level = rng.choices([lv for lv, _ in LEVELS], weights=[w for _, w in LEVELS])[0]
            reasons = (rng.sample(REASONS, rng.choice((1, 1, 2))) if level == "dissatisfied"
                       or rng.random() < 0.03 else [])
            ratings.append({"id": self.rating_id, "ticket_id": row["id"], "centre_id": row["centre_id"],
                            "level": level, "reasons": reasons, "comment": "",
                            "counter_id": row["counter_id"], "officer_id": row["officer_id"],
                            "device_id": None, "rated_at": row["finished_at"] + timedelta(seconds=20)})
        if rng.random() < 0.75:
            self._records(codes_on, records)

    def _serve(self, row: dict[str, Any], called: datetime, slot: int, world: dict[str, Any],
               staff: dict[int, int], index: int) -> None:
        rng = self.rng
        row["called_at"] = called
        row["counter_id"], row["officer_id"] = world["counters"][slot][0], staff[slot]
        service = _service(rng, FIELDS[index][3])
        if rng.random() < 0.8:
            row["started_at"] = called + timedelta(seconds=rng.uniform(10, 60))
            row["finished_at"] = row["started_at"] + timedelta(seconds=service)
        else:
            row["finished_at"] = called + timedelta(seconds=service)

    def _records(self, row: dict[str, Any], records: list[dict[str, Any]]) -> None:
        for n in range(2 if self.rng.random() < 0.1 else 1):
            self.record_id += 1
            code = f"H12.{row['field_id']:02d}-{row['service_day']:%y%m%d}-{row['id']:07d}-{n}"
            records.append({"id": self.record_id, "ticket_id": row["id"], "code": code,
                            "user_id": row["officer_id"], "added_at": row["finished_at"]})

    def finish(self) -> None:
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                for table in ("tickets", "ratings", "ticket_records", "counter_events"):
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"))
        with self.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def reset(url: str) -> None:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        engine.dispose()
        if path:
            import os

            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
        return
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def app_for(url: str, clock: Any = None) -> Any:
    from hall import create_app
    from hall.store import schema
    from hall.store.db import session_scope

    app = create_app({"DATABASE_URL": url, "ASYNC_MODE": "threading", "SECRET_KEY": "bench",
                      "CLOCK": clock})
    schema.upgrade(app.extensions["hall.engine"])
    with session_scope(app, writing=True) as session:
        schema.ensure_default_centre(session, "Asia/Ho_Chi_Minh")
        session.commit()
    return app


def timed(client: Any, path: str, token: str, runs: int) -> tuple[list[float], Any]:
    seconds, answer = [], None
    for _ in range(runs):
        started = time.perf_counter()
        answer = client.get(path, headers={"Authorization": f"Bearer {token}"})
        seconds.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return seconds, answer


def manager_token(url: str) -> str:
    from sqlalchemy.orm import Session

    engine = create_engine(url)
    with Session(engine) as session:
        manager = session.scalars(select(User).where(User.username == "bench-manager")).one()
        token = auth.issue_user_token(session, manager, datetime.now(UTC))
        session.commit()
    engine.dispose()
    return token


CASES = [  # (name, path, grouping, first, last) for the year Y
    ("month by field, json", "/api/v1/stats?from=Y-03-01&to=Y-03-31&by=field", "field", 3, 3),
    ("month by field, xlsx", "/api/v1/stats?from=Y-03-01&to=Y-03-31&by=field&format=xlsx", "", 0, 0),
    ("quarter by officer, json", "/api/v1/stats?from=Y-04-01&to=Y-06-30&by=officer", "officer", 4, 6),
    ("quarter by officer, xlsx", "/api/v1/stats?from=Y-04-01&to=Y-06-30&by=officer&format=xlsx",
     "", 0, 0),
    ("year by month, json", "/api/v1/stats?from=Y-01-01&to=Y-12-31&by=month", "month", 1, 12),
    ("year by hour, json", "/api/v1/stats?from=Y-01-01&to=Y-12-31&by=hour", "", 0, 0),
    ("one week's tickets with record codes, json",
     "/api/v1/stats/tickets?from=Y-03-02&to=Y-03-06", "", 0, 0),
    ("one week's tickets with record codes, xlsx",
     "/api/v1/stats/tickets?from=Y-03-02&to=Y-03-06&format=xlsx", "", 0, 0),
]


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1))


def reports(url: str, year: int, runs: int) -> Iterator[tuple[str, list[float], int]]:
    """The figures: each report straight from the tickets (no roll-up), the roll-up of the
    whole year from nothing, then each report through the API with the year rolled up."""
    from hall.read import stats
    from hall.store.db import session_scope

    # the reports are asked on 3 January of the next year: every day of the year is closed
    app = app_for(url, lambda: datetime(year + 1, 1, 3, 3, 0, tzinfo=UTC))
    with session_scope(app) as session:
        centre = session.scalars(select(Centre).order_by(Centre.id)).first()
        assert centre is not None
        for name, _path, by, first, last in CASES:
            if by:
                seconds = []
                for _ in range(runs):
                    started = time.perf_counter()
                    stats.report(session, centre, date(year, first, 1), _month_end(year, last), by)
                    seconds.append(time.perf_counter() - started)
                yield f"{name.split(',')[0]}, straight from the tickets", seconds, 0
    with session_scope(app, writing=True) as session:
        session.execute(StatsDay.__table__.delete())
        session.execute(StatsDayMark.__table__.delete())
        session.commit()
    with session_scope(app) as session:
        centre = session.scalars(select(Centre).order_by(Centre.id)).first()
        assert centre is not None
        started = time.perf_counter()
        days = stats.roll_up(session, centre, date(year, 1, 1), date(year, 12, 31))
        yield f"roll-up of the year from nothing ({days} days)", [time.perf_counter() - started], 0
    client = app.test_client()
    token = manager_token(url)
    for name, path, *_ in CASES:
        seconds, answer = timed(client, path.replace("Y", str(year)), token, runs)
        size = len(answer.get_data()) if answer is not None else 0
        yield name, seconds, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=2_000_000)
    parser.add_argument("--database", required=True, help="sqlite:///FILE or postgresql://…")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each report")
    parser.add_argument("--reset", action="store_true", help="empty the database first")
    parser.add_argument("--reuse", action="store_true", help="time the database as it is")
    args = parser.parse_args()
    if args.reset and not args.reuse:
        reset(args.database)
    if not args.reuse:
        app = app_for(args.database)
        app.extensions["hall.engine"].dispose()
        filler = Filler(args.database, args.tickets, args.year, args.seed)
        with filler.engine.connect() as connection:
            if connection.scalar(select(func.count()).select_from(Ticket)):
                raise SystemExit("the database already holds tickets: --reset to empty it, "
                                 "--reuse to time it as it is")
        started = time.perf_counter()
        filler.fill(filler.setup())
        filler.finish()
        took = time.perf_counter() - started
        print(f"generated {filler.issued:,} tickets issued ({filler.counts['tickets']:,} rows with "
              f"the transfer copies), {filler.counts['ratings']:,} "
              f"ratings, {filler.counts['ticket_records']:,} record codes, "
              f"{filler.counts['counter_events']:,} counter events in {took:.0f} s "
              f"({filler.counts['tickets'] / took:,.0f} tickets/s)", flush=True)
        filler.engine.dispose()
    print(f"\n| report ({args.database.split(':')[0]}) | min | median | answer |\n|---|---:|---:|---:|")
    for name, seconds, size in reports(args.database, args.year, args.runs):
        print(f"| {name} | {min(seconds):.3f} s | {statistics.median(seconds):.3f} s | "
              f"{size / 1024:,.0f} KiB |", flush=True)


if __name__ == "__main__":
    main()
