"""Read side of the queue: waiting counts, place in line, expected wait, recent calls."""

from __future__ import annotations

import statistics
import time
import weakref
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import Boolean
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.engine import hours
from hall.models import Centre
from hall.models import Counter
from hall.models import CounterField
from hall.models import Field
from hall.models import Ticket
from hall.models import TicketEvent
from hall.models.vocabulary import ACTIVE
from hall.models.vocabulary import CounterState
from hall.models.vocabulary import TicketStatus
from hall.store import cache

RECENT_CALLS = 10
SERVICE_SAMPLE = 20


def waiting_counts(session: Session, centre_id: int) -> dict[int, int]:
    """Waiting tickets per field id."""
    rows = session.execute(
        select(Ticket.field_id, func.count())
        .where(Ticket.centre_id == centre_id, Ticket.status == TicketStatus.WAITING)
        .group_by(Ticket.field_id)
    )
    return {field_id: count for field_id, count in rows}


def fields_with_counts(session: Session, centre_id: int) -> list[tuple[Field, int]]:
    counts = waiting_counts(session, centre_id)
    fields = session.scalars(
        select(Field).where(Field.centre_id == centre_id).order_by(Field.position, Field.code)
    ).all()
    return [(field, counts.get(field.id, 0)) for field in fields]


def _ahead_in_field() -> Any:
    """Waiting tickets of a field's own line called before a given one, as one statement of
    two index range counts (ix_tickets_line): the priority ones (for a priority ticket only
    those queued earlier), plus, for a normal ticket, the normal ones queued earlier."""
    line = and_(Ticket.field_id == bindparam("field"), Ticket.status == TicketStatus.WAITING,
                Ticket.target_counter_id.is_(None))
    earlier = or_(Ticket.queued_at < bindparam("queued"),
                  and_(Ticket.queued_at == bindparam("queued"), Ticket.id < bindparam("id")))
    priority = Ticket.priority == True  # noqa: E712  (= 1 in SQLite, so the index serves it)
    normal = Ticket.priority == False  # noqa: E712
    count = select(func.count()).select_from(Ticket)
    is_normal = bindparam("normal", type_=Boolean)
    priority_ahead = count.where(line, priority, or_(is_normal, earlier))
    normal_ahead = count.where(line, normal, is_normal, earlier)
    return select(priority_ahead.scalar_subquery() + normal_ahead.scalar_subquery())


_AHEAD_IN_FIELD = _ahead_in_field()


_PLACES = "hall.places"


def know_place(session: Session, ticket: Ticket, ahead: int) -> None:
    """Remember the place in line found while issuing, for the issue's answer (built without
    another count), until the session's next change or a rollback."""
    session.info[_PLACES] = {ticket.id: ahead}


def forget_places(session: Session, *_: Any) -> None:
    session.info.pop(_PLACES, None)


event.listen(Session, "after_rollback", forget_places)


def waiting_ahead(session: Session, ticket: Ticket) -> int:
    """Waiting tickets of the same line that will be called before this one."""
    known = session.info.get(_PLACES, {}).get(ticket.id)
    if known is not None:
        return int(known)
    if ticket.target_counter_id is None:
        return session.connection().execute(_AHEAD_IN_FIELD, {
            "field": ticket.field_id, "queued": ticket.queued_at, "id": ticket.id,
            "normal": not ticket.priority,
        }).scalar_one() or 0  # fmt: skip
    same_line = Ticket.target_counter_id == ticket.target_counter_id
    earlier = or_(
        Ticket.queued_at < ticket.queued_at,
        and_(Ticket.queued_at == ticket.queued_at, Ticket.id < ticket.id),
    )
    # A priority ticket waits only for earlier priority ones; others for every priority one.
    if ticket.priority:
        before = and_(Ticket.priority.is_(True), earlier)
    else:
        before = or_(Ticket.priority.is_(True), earlier)
    statement = select(func.count()).where(
        Ticket.centre_id == ticket.centre_id, Ticket.status == TicketStatus.WAITING, same_line, before
    )
    return session.scalar(statement) or 0


# engine -> field id -> (computed at, average); an estimate need not be fresher than this.
_AVERAGE_TTL_S = 15.0
_averages: weakref.WeakKeyDictionary[Any, dict[int, tuple[float, float]]] = (
    weakref.WeakKeyDictionary()
)


def average_service_s(session: Session, field_id: int, default_s: int, now: datetime) -> float:
    """The field's expected service time per citizen (see `robust_service_s`); cached per
    field for _AVERAGE_TTL_S of monotonic time."""
    cache = _averages.setdefault(session.get_bind().pool, {})  # type: ignore[union-attr]
    cached = cache.get(field_id)
    if cached is not None and time.monotonic() - cached[0] < _AVERAGE_TTL_S:
        return cached[1]
    average = robust_service_s(_recent_services_s(session, field_id, now), float(default_s))
    cache[field_id] = (time.monotonic(), average)
    return average


# The centre's expected service time counts as this many services: a few quick clicks
# through the queue cannot make it collapse, and a long history outweighs it.
PRIOR_WEIGHT = 4
MIN_PER_PERSON_S = 60  # nobody is promised less than a minute per citizen ahead


def robust_service_s(durations: list[float], prior_s: float) -> float:
    """The service time to expect: the median of the recent services (one very short or
    very long service does not move it), drawn towards the centre's expected service time
    while there are few of them; the expected time itself without any."""
    if not durations:
        return prior_s
    middle = statistics.median(durations)
    return (PRIOR_WEIGHT * prior_s + len(durations) * middle) / (PRIOR_WEIGHT + len(durations))


def wait_for_s(ahead: int, per_person_s: float, counters: int) -> int:
    """Those ahead, served by `counters` at once, at `per_person_s` each; never less than
    MIN_PER_PERSON_S per citizen ahead, whatever the counters and the history say."""
    if ahead <= 0:
        return 0
    return max(round(ahead * per_person_s / max(1, counters)), ahead * MIN_PER_PERSON_S)


def _recent_services_s(session: Session, field_id: int, now: datetime) -> list[float]:
    """How long the field's last SERVICE_SAMPLE services took (within 30 days), from the
    start (or the call, when the officer never pressed start) to the finish."""
    statement = (
        select(Ticket.finished_at, Ticket.started_at, Ticket.called_at)
        .where(Ticket.field_id == field_id, Ticket.status == TicketStatus.DONE,
               Ticket.finished_at > now - timedelta(days=30))
        .order_by(Ticket.finished_at.desc())
        .limit(SERVICE_SAMPLE)
    )  # fmt: skip
    durations = []
    for finished, started, called in session.execute(statement):
        begun = started or called
        if finished is not None and begun is not None:
            durations.append(max(0.0, (finished - begun).total_seconds()))
    return durations


def open_counters_by_field(session: Session, centre_id: int) -> dict[int, int]:
    """Open counters serving each field of the centre, in one query."""
    rows = session.execute(
        select(CounterField.field_id, func.count())
        .join(Counter, Counter.id == CounterField.counter_id)
        .where(Counter.centre_id == centre_id, Counter.state == CounterState.OPEN)
        .group_by(CounterField.field_id)
    )
    return {field_id: count for field_id, count in rows}


_serving: cache.Remembered[dict[int, int]] = cache.Remembered()


def serving_now(session: Session, centre_id: int) -> dict[int, int]:
    """open_counters_by_field, remembered between requests (see hall.store.cache)."""
    counts = _serving.get(session, centre_id)
    if counts is None:
        generation = cache.generation()
        counts = open_counters_by_field(session, centre_id)
        _serving.put(session, centre_id, counts, generation)
    return counts


def open_counters_for(session: Session, centre_id: int, field_id: int) -> int:
    return serving_now(session, centre_id).get(field_id, 0)


def estimated_wait_s(session: Session, ticket: Ticket, ahead: int, centre: Centre,
                     now: datetime) -> int:
    """Those ahead times the expected service time, shared by the counters open for the
    field now (a paused or closed counter serves nobody); one counter for a ticket sent to
    a given counter."""
    if ahead == 0:
        return 0
    average = average_service_s(session, ticket.field_id, centre.default_service_s, now)
    if ticket.target_counter_id:
        counters = 1
    else:
        counters = open_counters_for(session, ticket.centre_id, ticket.field_id)
    return wait_for_s(ahead, average, counters)


def recent_calls(session: Session, centre_id: int) -> list[tuple[TicketEvent, Ticket]]:
    """The latest calls and recalls, newest first."""
    events = session.scalars(
        select(TicketEvent)
        .where(TicketEvent.centre_id == centre_id, TicketEvent.kind.in_(("called", "recalled")))
        .order_by(TicketEvent.id.desc())
        .limit(RECENT_CALLS)
    ).all()
    tickets = {
        t.id: t
        for t in session.scalars(
            select(Ticket).where(Ticket.id.in_({e.ticket_id for e in events}))
        ).unique()
    }
    return [(event, tickets[event.ticket_id]) for event in events]


def active_by_counter(session: Session, centre_id: int) -> dict[int, Ticket]:
    """The called or serving ticket of each counter."""
    statement = select(Ticket).where(
        Ticket.centre_id == centre_id, Ticket.status.in_(ACTIVE)
    )
    return {t.counter_id: t for t in session.scalars(statement).unique() if t.counter_id}


def field_availability(session: Session, centre: Centre, now: datetime
                       ) -> dict[int, tuple[str, int]]:
    """Per field id: ('open' | 'closed' | 'full' | 'outside_hours', expected wait in seconds
    for a new ticket)."""
    from hall.engine.clock import service_day
    from hall.engine.numbering import capacity
    from hall.models import TicketSequence

    day = service_day(now, centre.timezone)
    issued = dict(session.execute(
        select(TicketSequence.field_id, TicketSequence.last_value)
        .join(Field, Field.id == TicketSequence.field_id)
        .where(Field.centre_id == centre.id, TicketSequence.service_day == day)
    ).all())  # fmt: skip
    counts = waiting_counts(session, centre.id)
    serving = serving_now(session, centre.id)
    open_now = hours.is_open(centre.opening_hours, centre.timezone, now)
    result: dict[int, tuple[str, int]] = {}
    for field in session.scalars(select(Field).where(Field.centre_id == centre.id)):
        limit = capacity(field)
        state = "closed" if not field.is_open else "outside_hours" if not open_now else (
            "full" if limit is not None and issued.get(field.id, 0) >= limit else "open")
        waiting = counts.get(field.id, 0)
        wait = 0
        if waiting:
            average = average_service_s(session, field.id, centre.default_service_s, now)
            wait = wait_for_s(waiting, average, serving.get(field.id, 0))
        result[field.id] = (state, wait)
    return result
