"""The managers' statistics: outcomes, wait and service times, the share called within the
target wait, officers' pause time and ratings, grouped by field, counter, officer, day, ISO
week, month, quarter, hour of issue or ISO weekday; and the list of tickets with their record
codes (mã hồ sơ).

Counting rules (docs/api.md, "Ratings and statistics"):
- a citizen's ticket counts once, in the group of the ticket that ended its transfer chain
  (the field, counter and officer that served it): `issued`, `served`, `no_show`,
  `cancelled`, the wait, the service and the rating; every transfer counts as `transferred`
  in the group it left;
- the wait runs from the chain's first issue (`queued_at`, which a transfer keeps) to the
  call of that last ticket; the service from its start (or, when the officer skipped start,
  its call) to its finish;
- time groupings (day … weekday, hour) use the chain's service day and first issue time, so
  a chain never splits across them.

The work is done by the database: one GROUP BY over the tickets of the range joined to their
ratings (no ORM object, no row per ticket reaches Python) hands back, per group and field,
the counts, the ratings by level and reason, and the waits and service times as one text of
numbers, which Python reads with float() and sorts for the exact percentiles of `durations`.
Days at least ROLLUP_AFTER_DAYS old are read instead from their roll-up (stats_days, one row
per day, field, counter, officer and hour, made by the first report that needs it and
dropped by triggers when one of the day's tickets or ratings changes): a quarter is then
some forty thousand rows instead of half a million tickets (README, "Reports on a
province-year").
"""

from __future__ import annotations

import logging
import statistics
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import replace
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from functools import partial
from typing import Any
from typing import cast

from sqlalchemy import Engine
from sqlalchemy import Float
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import Text
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql import expression
from sqlalchemy.sql.compiler import SQLCompiler

from hall.engine.clock import local_iso
from hall.engine.clock import utcnow
from hall.engine.clock import zone
from hall.engine.errors import Invalid
from hall.engine.errors import NotFound
from hall.engine.errors import UnknownCounter
from hall.engine.errors import UnknownField
from hall.engine.ratings import REASONS
from hall.engine.ratings import SATISFIED
from hall.engine.ratings import levels
from hall.models import Centre
from hall.models import Counter
from hall.models import Field
from hall.models import Procedure
from hall.models import Rating
from hall.models import Ticket
from hall.models import TicketRecord
from hall.models import User
from hall.models.counter_events import CounterEvent
from hall.models.stats_days import LEVEL_COLUMNS
from hall.models.stats_days import REASON_COLUMNS
from hall.models.stats_days import StatsDay
from hall.models.stats_days import StatsDayMark
from hall.models.vocabulary import TicketStatus
from hall.store import db

logger = logging.getLogger(__name__)

BY = ("field", "counter", "officer", "day", "week", "month", "quarter", "hour", "weekday",
      "procedure")
# groupings that carry officers' pause time (elsewhere pause_s is null)
PAUSED_BY = ("counter", "officer")
MAX_TICKET_ROWS = 100_000
# A service day is read from its roll-up (stats_days) once it is this many days old.
ROLLUP_AFTER_DAYS = 2

_T = cast(Table, Ticket.__table__).c
_R = cast(Table, Rating.__table__).c
_S_TABLE = cast(Table, StatsDay.__table__)
_S = _S_TABLE.c
_M_TABLE = cast(Table, StatsDayMark.__table__)
_M = _M_TABLE.c


# -- the few expressions SQLite and PostgreSQL write differently


class _Seconds(expression.FunctionElement[float]):
    """Seconds from the second timestamp to the first (both stored as UTC)."""

    type = Float()
    name = "hall_seconds"
    inherit_cache = True


@compiles(_Seconds, "sqlite")
def _seconds_sqlite(element: _Seconds, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    # julianday is a double: rounding to the millisecond takes off its last-digit noise
    return f"round((julianday({later}) - julianday({earlier})) * 86400.0, 3)"


@compiles(_Seconds, "postgresql")
def _seconds_postgresql(element: _Seconds, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date_part('epoch', {later} - {earlier})"


class _Numbers(expression.FunctionElement[str]):
    """An aggregate: the group's non-null numbers as one comma-separated text (or null)."""

    type = Text()
    name = "hall_numbers"
    inherit_cache = True


@compiles(_Numbers, "sqlite")
def _numbers_sqlite(element: _Numbers, compiler: SQLCompiler, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)})"


@compiles(_Numbers, "postgresql")
def _numbers_postgresql(element: _Numbers, compiler: SQLCompiler, **kw: Any) -> str:
    return f"string_agg(CAST({compiler.process(element.clauses, **kw)} AS TEXT), ',')"


class _QuarterHour(expression.FunctionElement[int]):
    """The quarter of an hour (UTC, counted from 1970) a timestamp falls in: every time
    zone's offset is a whole number of quarters, so each one has a single local hour."""

    type = Integer()
    name = "hall_quarter_hour"
    inherit_cache = True


@compiles(_QuarterHour, "sqlite")
def _quarter_hour_sqlite(element: _QuarterHour, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER) / 900"


@compiles(_QuarterHour, "postgresql")
def _quarter_hour_postgresql(element: _QuarterHour, compiler: SQLCompiler, **kw: Any) -> str:
    return (f"CAST(floor(date_part('epoch', {compiler.process(element.clauses, **kw)}) / 900)"
            " AS BIGINT)")


# -- what a report covers


@dataclass(frozen=True)
class Scope:
    """A centre's service days first..last, optionally one field, counter or officer."""

    centre: Centre
    first: date
    last: date
    field_id: int | None = None
    counter_id: int | None = None
    officer_id: int | None = None

    def where(self, first: date | None = None, last: date | None = None) -> list[Any]:
        """The conditions on `tickets` (days: the scope's, or first..last)."""
        return self._where(_T, first or self.first, last or self.last)

    def where_rolled(self, first: date, last: date) -> list[Any]:
        """The same conditions on `stats_days`."""
        return self._where(_S, first, last)

    def _where(self, columns: Any, first: date, last: date) -> list[Any]:
        found = [columns.centre_id == self.centre.id, columns.service_day >= first,
                 columns.service_day <= last]
        for column, value in ((columns.field_id, self.field_id),
                              (columns.counter_id, self.counter_id),
                              (columns.officer_id, self.officer_id)):
            if value is not None:
                found.append(column == value)
        return found


def scope(session: Session, centre: Centre, first: date, last: date, *, field: str | None = None,
          counter: int | None = None, officer: str | None = None) -> Scope:
    """The scope, its filters named as people name them (field code, counter number,
    username) and checked to belong to the centre: 404 otherwise."""
    field_id = counter_id = officer_id = None
    if field is not None:
        field_id = session.scalar(select(Field.id).where(Field.centre_id == centre.id,
                                                         Field.code == field))
        if field_id is None:
            raise UnknownField()
    if counter is not None:
        counter_id = session.scalar(select(Counter.id).where(Counter.centre_id == centre.id,
                                                             Counter.number == counter))
        if counter_id is None:
            raise UnknownCounter()
    if officer is not None:
        officer_id = session.scalar(select(User.id).where(User.centre_id == centre.id,
                                                          User.username == officer))
        if officer_id is None:
            raise NotFound("Không có người dùng này", "unknown_user")
    return Scope(centre, first, last, field_id, counter_id, officer_id)


# -- figures


def _summary(ordered: list[float]) -> dict[str, float | None]:
    if not ordered:
        return {"avg": None, "p50": None, "p90": None}
    p90 = ordered[0] if len(ordered) == 1 else statistics.quantiles(
        ordered, n=10, method="inclusive")[8]
    return {
        "avg": round(statistics.fmean(ordered), 1),
        "p50": round(statistics.median(ordered), 1),
        "p90": round(p90, 1),
    }


def durations(values: list[float]) -> dict[str, float | None]:
    """Average, median and 90th percentile (linear between ranks), in seconds."""
    return _summary(sorted(values))


def _pairs(session: Session, statement: Any) -> dict[Any, Any]:
    """The two columns of each row as a mapping (ids to labels, say)."""
    return {first: second for first, second in session.execute(statement)}


def _numbers(text: str | None) -> list[float]:
    return list(map(float, text.split(","))) if text else []


class _Row:
    __slots__ = ("issued", "served", "no_show", "transferred", "cancelled", "called", "within",
                 "waits", "services", "levels", "reasons", "pause_s")

    def __init__(self) -> None:
        self.issued = self.served = self.no_show = self.transferred = self.cancelled = 0
        self.called = self.within = 0
        self.waits: list[float] = []
        self.services: list[float] = []
        self.levels: dict[str, int] = defaultdict(int)
        self.reasons: dict[str, int] = defaultdict(int)
        self.pause_s = 0.0


def _ticket_groups(by: str) -> list[Any]:
    """The columns of `tickets` a grouping groups by, besides the field."""
    if by == "field":
        return []
    if by == "counter":
        return [_T.counter_id]
    if by == "officer":
        return [_T.officer_id]
    if by == "procedure":
        return [_T.procedure_id]
    if by == "hour":
        return [_QuarterHour(_T.queued_at)]
    return [_T.service_day]


def _rolled_groups(by: str) -> list[Any]:
    """The same, in `stats_days`."""
    if by == "field":
        return []
    return [{"counter": _S.counter_id, "officer": _S.officer_id, "hour": _S.hour}.get(
        by, _S.service_day)]


def _day_key(by: str) -> Callable[[date], Any]:
    if by == "day":
        return date.isoformat
    if by == "week":
        return lambda day: f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}"
    if by == "month":
        return lambda day: f"{day.year}-{day.month:02d}"
    if by == "quarter":
        return lambda day: f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return lambda day: day.isoweekday()


def _procedure_labels(session: Session, centre_id: int) -> dict[int, str]:
    """A procedure's row key: its name, and where two share it, its field and code too."""
    rows = session.execute(select(Procedure.id, Procedure.name, Procedure.code, Field.code)
                           .join(Field, Field.id == Procedure.field_id)
                           .where(Procedure.centre_id == centre_id)).all()
    named: dict[str, int] = defaultdict(int)
    for _, name, _, _ in rows:
        named[name] += 1
    return {id_: name if named[name] == 1 else f"{name} ({field}{', ' + code if code else ''})"
            for id_, name, code, field in rows}


def _local_hour(timezone: str) -> Callable[[Any], int]:
    """A quarter-hour (see _QuarterHour) → the hour of the day in the centre's time zone."""
    local = zone(timezone)
    return lambda quarter: datetime.fromtimestamp(int(quarter) * 900, UTC).astimezone(local).hour


class _Keys:
    """Group values → row keys, remembered (a year has a few hundred days, thousands of
    quarter-hours). `rolled` reads stats_days, whose hours are local already."""

    def __init__(self, session: Session, scope: Scope, by: str, rolled: bool = False) -> None:
        self.by = by
        self.labels: dict[int, Any] = {}
        self.seen: dict[Any, Any] = {}
        centre = scope.centre
        self.convert: Callable[[Any], Any] = int
        if by == "field":
            self.labels = _pairs(session, select(Field.id, Field.code)
                                 .where(Field.centre_id == centre.id))
        elif by == "counter":
            self.labels = _pairs(session, select(Counter.id, Counter.number)
                                 .where(Counter.centre_id == centre.id))
        elif by == "officer":
            self.labels = _pairs(session, select(User.id, User.username))
        elif by == "procedure":  # tickets that named none are not in a row
            self.labels = _procedure_labels(session, centre.id)
        elif by == "hour":
            self.convert = int if rolled else _local_hour(centre.timezone)
        else:
            parse = _day_key(by)
            self.convert = lambda day: parse(day if isinstance(day, date)
                                             else date.fromisoformat(str(day)))

    def __call__(self, field_id: int, value: Any) -> Any:
        if self.by == "field":
            return self.labels.get(field_id)
        if value is None:
            return None
        if self.by in ("counter", "officer", "procedure"):
            return self.labels.get(value)
        key = self.seen.get(value)
        if key is None:
            key = self.seen[value] = self.convert(value)
        return key


def _wait() -> Any:
    """A last ticket's wait: from the first issue of its chain to its call."""
    return case((and_(_T.status != TicketStatus.TRANSFERRED, _T.called_at.is_not(None)),
                 _Seconds(_T.called_at, _T.queued_at)))


def _service() -> Any:
    begun = func.coalesce(_T.started_at, _T.called_at)
    return case((and_(_T.status == TicketStatus.DONE, begun.is_not(None)),
                 _Seconds(_T.finished_at, begun)))


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


# What each group of either source gives, in this order: issued, served, no_show,
# transferred, cancelled, the waits and the service times (texts of numbers), then the
# ratings by level (LEVEL_COLUMNS) and by reason (REASON_COLUMNS).
def _ticket_measures() -> list[Any]:
    """The measures over `tickets` outer-joined to `ratings`."""
    given = expression.cast(_R.reasons, String)
    return [
        _count(_T.status != TicketStatus.TRANSFERRED), _count(_T.status == TicketStatus.DONE),
        _count(_T.status == TicketStatus.NO_SHOW), _count(_T.status == TicketStatus.TRANSFERRED),
        _count(_T.status == TicketStatus.CANCELLED), _Numbers(_wait()), _Numbers(_service()),
        *(_count(_R.level == level) for level in LEVEL_COLUMNS),
        *(_count(given.contains(f'"{reason}"', autoescape=True)) for reason in REASON_COLUMNS),
    ]


def _rolled_measures() -> list[Any]:
    return [
        *(func.sum(_S[name]) for name in ("issued", "served", "no_show", "transferred",
                                          "cancelled")),
        _Numbers(_S.waits), _Numbers(_S.services),
        *(func.sum(_S[name]) for name in LEVEL_COLUMNS + REASON_COLUMNS),
    ]


_TICKETS_RATED = cast(Table, Ticket.__table__).outerjoin(cast(Table, Rating.__table__),
                                                         _R.ticket_id == _T.id)


def report(session: Session, centre: Centre, first: date, last: date, by: str, *,
           within: Scope | None = None, today: date | None = None) -> list[dict[str, Any]]:
    """One row per group of the tickets whose service day lies in [first, last] (and, with
    `within`, those of its field, counter or officer), sorted by key. Given `today`, the
    days up to ROLLUP_AFTER_DAYS before it are rolled up if need be and read from their
    roll-up; the others (and any day whose roll-up could not be made) from the tickets."""
    if by not in BY:
        raise Invalid("Không có cách nhóm %(by)s", "invalid_parameters", by=by)
    scope = within or Scope(centre, first, last)
    cutoff = first - timedelta(days=1)
    if today is not None and by != "procedure":  # the roll-ups do not keep the procedure
        cutoff = min(last, today - timedelta(days=ROLLUP_AFTER_DAYS))
        if cutoff >= first:
            roll_up(session, centre, first, cutoff)
            _snapshot(session)  # marks, roll-ups and tickets read as of one moment
    centre = session.get_one(Centre, scope.centre.id)  # reloaded after a roll-up's commit
    scope = replace(scope, centre=centre)
    targets = _pairs(session, select(Field.id, Field.target_wait_s)
                     .where(Field.centre_id == centre.id))
    rows: dict[Any, _Row] = defaultdict(_Row)
    rolled: set[date] = set()
    if cutoff >= first:
        rolled = set(session.scalars(select(_M.service_day).where(
            _M.centre_id == centre.id, _M.service_day >= first, _M.service_day <= cutoff)))
    if rolled:
        groups = _rolled_groups(by)
        marked = _M_TABLE.join(_S_TABLE, and_(_S.centre_id == _M.centre_id,
                                              _S.service_day == _M.service_day))
        statement = (select(_S.field_id, *groups, *_rolled_measures()).select_from(marked)
                     .where(*scope.where_rolled(first, cutoff))
                     .group_by(_S.field_id, *groups))
        _add(rows, session.execute(statement), bool(groups), _Keys(session, scope, by, True),
             targets)
    groups = _ticket_groups(by)
    for since, until in _spans(first, last, rolled):
        statement = (select(_T.field_id, *groups, *_ticket_measures())
                     .select_from(_TICKETS_RATED)
                     .where(*scope.where(since, until))
                     .group_by(_T.field_id, *groups))
        _add(rows, session.execute(statement), bool(groups), _Keys(session, scope, by), targets)
    paused = by in PAUSED_BY and scope.field_id is None
    if paused:
        _pauses(session, scope, by, _Keys(session, scope, by), rows)
    return [_row_json(key, rows[key], centre, paused) for key in sorted(rows)]


def _spans(first: date, last: date, skipped: set[date]) -> list[tuple[date, date]]:
    """The runs of days of [first, last] that are not in `skipped`."""
    spans: list[tuple[date, date]] = []
    day, start = first, None
    while day <= last:
        if day in skipped:
            if start is not None:
                spans.append((start, day - timedelta(days=1)))
                start = None
        elif start is None:
            start = day
        day += timedelta(days=1)
    if start is not None:
        spans.append((start, last))
    return spans


def _snapshot(session: Session) -> None:
    """Begin a read transaction in which every statement sees the same state of the
    database (PostgreSQL: REPEATABLE READ; SQLite: one transaction, not a statement each),
    so no day is read both from its roll-up and from its tickets, or from neither."""
    session.rollback()
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return
    connection = session.connection()
    if not connection.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN")


def _add(rows: dict[Any, _Row], found: Iterable[Any], grouped: bool, keys: _Keys,
         targets: dict[int, int]) -> None:
    """Add each group's measures to the row of its key."""
    for field_id, *values in found:
        key = keys(field_id, values[0] if grouped else None)
        if key is None:
            continue  # a waiting ticket has no counter or officer yet
        row = rows[key]
        (issued, served, no_show, transferred, cancelled, waits,
         services) = values[-7 - len(LEVEL_COLUMNS) - len(REASON_COLUMNS):][:7]
        row.issued += int(issued or 0)
        row.served += int(served or 0)
        row.no_show += int(no_show or 0)
        row.transferred += int(transferred or 0)
        row.cancelled += int(cancelled or 0)
        measured = _numbers(waits)
        measured.sort()
        row.called += len(measured)
        row.within += bisect_right(measured, targets.get(field_id, 0))
        row.waits.extend(measured)
        row.services.extend(_numbers(services))
        rated = values[len(values) - len(LEVEL_COLUMNS) - len(REASON_COLUMNS):]
        for level, count in zip(LEVEL_COLUMNS, rated[:len(LEVEL_COLUMNS)], strict=True):
            if count:
                row.levels[level] += int(count)
        for reason, count in zip(REASON_COLUMNS, rated[len(LEVEL_COLUMNS):], strict=True):
            if count:
                row.reasons[reason] += int(count)


# -- the roll-up of closed days (stats_days)


def roll_up(session: Session, centre: Centre, first: date, last: date) -> int:
    """Roll up every day of [first, last] that has no current roll-up; the number of days
    rolled up. Each day is built in a write transaction of its own (tickets and ratings held
    still meanwhile: PostgreSQL locks them in SHARE mode, SQLite's one writer is this one), so
    a change that lands during the build waits and then drops the new mark. `session` is left
    with no transaction open, so what it reads next includes the new rows."""
    marked = set(session.scalars(select(_M.service_day).where(
        _M.centre_id == centre.id, _M.service_day >= first, _M.service_day <= last)))
    wanted = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    missing = [day for day in wanted if day not in marked]
    if not missing:
        return 0
    busy = set(session.scalars(select(_T.service_day).distinct().where(
        _T.centre_id == centre.id, _T.service_day >= missing[0],
        _T.service_day <= missing[-1])))
    centre_id, timezone = centre.id, centre.timezone
    session.rollback()  # the reads after the build must see it
    bind = session.get_bind()
    engine = db.writer(bind if isinstance(bind, Engine) else bind.engine)
    quiet = [day for day in missing if day not in busy]
    if quiet:
        _write(engine, lambda writing: _mark_quiet(writing, centre_id, quiet))
    for day in missing:
        if day in busy:
            _write(engine, partial(_build_day, centre_id=centre_id, timezone=timezone, day=day))
    return len(missing)


def _write(engine: Engine, work: Callable[[Session], None]) -> None:
    """One write transaction of the roll-up. A day another report rolled up at the same
    moment (its mark already there) is left as that one made it; a day that could not be
    rolled up now (the database busy, a deadlock broken) is left unmarked and read from its
    tickets."""
    with Session(engine) as writing:
        try:
            work(writing)
        except IntegrityError:
            writing.rollback()
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise
            writing.rollback()
            logger.warning("roll-up left for the next report: %s", exc)


def _mark_quiet(writing: Session, centre_id: int, days: list[date]) -> None:
    """Days without a ticket: only their marks (unless a ticket came meanwhile)."""
    _hold_still(writing, centre_id, days)
    taken = set(writing.scalars(select(_M.service_day).where(
        _M.centre_id == centre_id, _M.service_day.in_(days))))
    fresh = [day for day in days if day not in taken]
    if fresh and not writing.scalar(select(func.count()).select_from(
            cast(Table, Ticket.__table__)).where(_T.centre_id == centre_id,
                                                 _T.service_day.in_(fresh))):
        writing.execute(insert(_M_TABLE), [{"centre_id": centre_id, "service_day": day,
                                            "built_at": utcnow()} for day in fresh])
        writing.commit()


def _hold_still(writing: Session, centre_id: int, days: list[date]) -> None:
    """Begin the write that rebuilds these days, dropping their old rows: from here on no
    ticket or rating changes until the commit (PostgreSQL: SHARE locks; SQLite: this first
    write takes the database's one write lock)."""
    if writing.get_bind().dialect.name == "postgresql":
        writing.execute(text("LOCK TABLE tickets, ratings IN SHARE MODE"))
    writing.execute(delete(_S_TABLE).where(_S.centre_id == centre_id, _S.service_day.in_(days)))


def _build_day(writing: Session, centre_id: int, timezone: str, day: date) -> None:
    _hold_still(writing, centre_id, [day])
    if writing.scalar(select(_M.service_day).where(_M.centre_id == centre_id,
                                                   _M.service_day == day)) is not None:
        return  # another report built it meanwhile
    hour = _local_hour(timezone)
    quarter = _QuarterHour(_T.queued_at)
    statement = (select(_T.field_id, _T.counter_id, _T.officer_id, quarter, *_ticket_measures())
                 .select_from(_TICKETS_RATED)
                 .where(_T.centre_id == centre_id, _T.service_day == day)
                 .group_by(_T.field_id, _T.counter_id, _T.officer_id, quarter))
    built: dict[tuple[Any, ...], dict[str, Any]] = {}
    counted = ("issued", "served", "no_show", "transferred", "cancelled")
    for field_id, counter_id, officer_id, quarter_hour, *values in writing.execute(statement):
        ident = (field_id, counter_id, officer_id, hour(quarter_hour))
        row = built.get(ident)
        if row is None:
            row = built[ident] = {
                "centre_id": centre_id, "service_day": day, "field_id": field_id,
                "counter_id": counter_id, "officer_id": officer_id, "hour": ident[3],
                "waits": None, "services": None,
                **{name: 0 for name in counted + LEVEL_COLUMNS + REASON_COLUMNS}}
        numbers = dict(zip(counted, values[:5], strict=True))
        numbers.update(zip(LEVEL_COLUMNS + REASON_COLUMNS, values[7:], strict=True))
        for name, value in numbers.items():
            row[name] += int(value or 0)
        for name, text_ in (("waits", values[5]), ("services", values[6])):
            if text_:
                row[name] = text_ if row[name] is None else f"{row[name]},{text_}"
    if built:
        writing.execute(insert(_S_TABLE), list(built.values()))
    writing.execute(insert(_M_TABLE), {"centre_id": centre_id, "service_day": day, "built_at": utcnow()})
    writing.commit()


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """A service day's first instant and the next day's, in UTC."""
    local = zone(timezone)
    start = datetime.combine(day, time(), local)
    end = datetime.combine(day + timedelta(days=1), time(), local)
    return start.astimezone(UTC), end.astimezone(UTC)


def pause_spans(session: Session, scope: Scope) -> list[tuple[int | None, int | None, float]]:
    """(counter id, officer id, seconds) of every pause that began in the scope's days: from
    the pause to the counter's next resume, close or open, at most to the end of that service
    day. A second pause while paused (a new reason) continues the first."""
    timezone = scope.centre.timezone
    since, _ = day_bounds(scope.first, timezone)
    _, until = day_bounds(scope.last, timezone)
    statement = (select(CounterEvent.counter_id, CounterEvent.officer_id, CounterEvent.kind,
                        CounterEvent.at)
                 .where(CounterEvent.centre_id == scope.centre.id, CounterEvent.at >= since,
                        CounterEvent.at < until)
                 .order_by(CounterEvent.at, CounterEvent.id))
    if scope.counter_id is not None:
        statement = statement.where(CounterEvent.counter_id == scope.counter_id)
    if scope.officer_id is not None:
        # the officer's own events: a pause ends at their resume or close of that counter
        statement = statement.where(CounterEvent.officer_id == scope.officer_id)
    open_pauses: dict[Any, tuple[int | None, datetime]] = {}
    spans: list[tuple[int | None, int | None, float]] = []
    local = zone(timezone)
    day_ends: dict[date, datetime] = {}

    def end(counter: Any, until: datetime | None) -> None:
        officer, began = open_pauses.pop(counter)
        day = began.astimezone(local).date()
        day_end = day_ends.get(day)
        if day_end is None:
            day_end = day_ends[day] = day_bounds(day, timezone)[1]
        stop = day_end if until is None else min(until, day_end)
        spans.append((counter, officer, max(0.0, (stop - began).total_seconds())))

    for counter, officer, kind, at in session.execute(statement):
        ident = counter if counter is not None else ("officer", officer)  # a deleted counter
        if kind == "pause":
            if ident not in open_pauses:
                open_pauses[ident] = (officer, at)
        elif ident in open_pauses:
            end(ident, at)
    for ident in list(open_pauses):
        end(ident, None)
    return [(counter if isinstance(counter, int) else None, officer, seconds)
            for counter, officer, seconds in spans]


def _pauses(session: Session, scope: Scope, by: str, keys: _Keys, rows: dict[Any, _Row]) -> None:
    for counter, officer, seconds in pause_spans(session, scope):
        key = keys(0, counter if by == "counter" else officer)
        if key is not None:
            rows[key].pause_s += seconds


def _row_json(key: Any, row: _Row, centre: Centre, paused: bool) -> dict[str, Any]:
    count = sum(row.levels.values())
    satisfied = sum(row.levels.get(level, 0) for level in SATISFIED)
    scale = levels(centre)
    by_level = {level: row.levels.get(level, 0) for level in scale}
    by_level.update({level: n for level, n in row.levels.items() if level not in scale and n})
    row.waits.sort()
    row.services.sort()
    return {
        "key": key,
        "issued": row.issued,
        "served": row.served,
        "no_show": row.no_show,
        "transferred": row.transferred,
        "cancelled": row.cancelled,
        "wait_s": _summary(row.waits),
        "service_s": _summary(row.services),
        "within_target_pct": round(100 * row.within / row.called, 1) if row.called else None,
        "pause_s": round(row.pause_s, 1) if paused else None,
        "ratings": {
            "count": count,
            "not_rated": max(0, row.served - count),
            "by_level": by_level,
            "by_reason": {reason: row.reasons.get(reason, 0) for reason in REASONS},
            "satisfied_pct": round(100 * satisfied / count, 1) if count else None,
        },
    }


def empty_row(key: Any, centre: Centre, by: str = "day") -> dict[str, Any]:
    """The row of a group with no tickets yet."""
    return _row_json(key, _Row(), centre, by in PAUSED_BY)


def counter_today(session: Session, centre: Centre, counter_number: int, day: date
                  ) -> dict[str, Any]:
    """One counter's figures for one service day (the console's "today" panel)."""
    counter_id = session.scalar(select(Counter.id).where(Counter.centre_id == centre.id,
                                                         Counter.number == counter_number))
    if counter_id is None:
        return empty_row(counter_number, centre, "counter")
    rows = report(session, centre, day, day, "counter",
                  within=Scope(centre, day, day, counter_id=counter_id))
    return rows[0] if rows else empty_row(counter_number, centre, "counter")


# -- the tickets, one row per citizen's ticket, for the centre's procedure system


def ticket_count(session: Session, scope: Scope) -> int:
    """How many rows `tickets` would give."""
    return int(session.scalar(select(func.count()).select_from(cast(Table, Ticket.__table__))
                              .where(*scope.where(), _T.status != TicketStatus.TRANSFERRED)) or 0)


def tickets(session: Session, scope: Scope) -> Iterable[dict[str, Any]]:
    """Every ticket that ended a chain (a transferred ticket appears once, as the ticket it
    became), in order of first issue: its number, day, field, counter, officer, status, first
    issue, call and finish (ISO, the centre's offset), wait and service in seconds, the record
    codes attached anywhere along its chain, oldest first, and its rating level."""
    centre = scope.centre
    timezone = centre.timezone
    fields = _pairs(session, select(Field.id, Field.code).where(Field.centre_id == centre.id))
    counters = _pairs(session, select(Counter.id, Counter.number)
                      .where(Counter.centre_id == centre.id))
    officers = _pairs(session, select(User.id, User.username))
    records = _chain_records(session, scope)
    statement = (
        select(_T.number, _T.service_day, _T.field_id, _T.counter_id, _T.officer_id, _T.status,
               _T.queued_at, _T.called_at, _T.finished_at, _wait(), _service(),
               _T.origin_field_id, _T.sequence, _R.level)
        .select_from(cast(Table, Ticket.__table__).outerjoin(
            cast(Table, Rating.__table__), _R.ticket_id == _T.id))
        .where(*scope.where(), _T.status != TicketStatus.TRANSFERRED)
        .order_by(_T.service_day, _T.queued_at, _T.id)
        .execution_options(yield_per=5000)
    )  # fmt: skip
    for (number, day, field_id, counter_id, officer_id, status, issued, called, finished, wait,
         service, origin, sequence, level) in session.execute(statement):
        yield {
            "number": number, "service_day": day.isoformat(), "field": fields.get(field_id),
            "counter": counters.get(counter_id) if counter_id else None,
            "officer": officers.get(officer_id) if officer_id else None,
            "status": status, "issued_at": local_iso(issued, timezone),
            "called_at": local_iso(called, timezone), "finished_at": local_iso(finished, timezone),
            "wait_s": None if wait is None else round(float(wait), 1),
            "service_s": None if service is None else round(float(service), 1),
            "records": records.get((origin, day, sequence), []), "rating": level,
        }


def _chain_records(session: Session, scope: Scope) -> dict[tuple[int, date, int], list[str]]:
    """Record codes by chain (its number's field, day and sequence, which every ticket of a
    transfer chain shares), whichever of the chain's tickets they were attached to."""
    statement = (
        select(_T.origin_field_id, _T.service_day, _T.sequence,
               TicketRecord.code)
        .join_from(cast(Table, Ticket.__table__), TicketRecord, TicketRecord.ticket_id == _T.id)
        .where(_T.centre_id == scope.centre.id, _T.service_day >= scope.first,
               _T.service_day <= scope.last)
        .order_by(TicketRecord.id)
    )  # fmt: skip
    found: dict[tuple[int, date, int], list[str]] = defaultdict(list)
    for origin, day, sequence, code in session.execute(statement):
        codes = found[(origin, day, sequence)]
        if code not in codes:
            codes.append(code)
    return found
