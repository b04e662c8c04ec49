"""Use cases at a counter: open, close, pause, resume, call next or a given number, recall,
start, finish, no-show, transfer."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import union_all
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from hall.engine import clock
from hall.engine import events
from hall.engine.errors import CounterBusy
from hall.engine.errors import CounterClosed
from hall.engine.errors import CounterPaused
from hall.engine.errors import Invalid
from hall.engine.errors import NoCurrentTicket
from hall.engine.errors import TicketInProgress
from hall.engine.errors import UnknownCounter
from hall.engine.errors import UnknownTicket
from hall.engine.errors import WrongState
from hall.engine.tickets import Actor
from hall.engine.tickets import field_by_id
from hall.engine.tickets import find_field
from hall.engine.tickets import log
from hall.engine.tickets import mark
from hall.engine.tickets import no_records
from hall.engine.tickets import records_of
from hall.messages import N_
from hall.models import Counter
from hall.models import CounterField
from hall.models import Ticket
from hall.models import User
from hall.models.counter_events import CounterEvent
from hall.models.ticket import ACTIVE
from hall.models.vocabulary import CounterState
from hall.models.vocabulary import TicketStatus
from hall.store import cache

# Why a number asked for by hand cannot be called, as the officer reads it.
NOT_WAITING: dict[str, str] = {
    TicketStatus.CALLED: N_("Số %(number)s đang được gọi ở quầy"),
    TicketStatus.SERVING: N_("Số %(number)s đang được phục vụ"),
    TicketStatus.DONE: N_("Số %(number)s đã được phục vụ xong"),
    TicketStatus.NO_SHOW: N_("Số %(number)s đã được ghi vắng mặt"),
    TicketStatus.TRANSFERRED: N_("Số %(number)s đã được chuyển đi"),
    TicketStatus.CANCELLED: N_("Số %(number)s đã bị hủy"),
}


def find_counter(session: Session, centre_id: int, number: int, lock: bool = False) -> Counter:
    """The counter by its number; locked FOR UPDATE (PostgreSQL) when `lock`."""
    if not 1 <= number <= 2**31 - 1:
        raise UnknownCounter()
    statement = _COUNTER_LOCKED if lock else _COUNTER
    counter = session.scalars(statement, {"centre": centre_id, "number": number}).unique().first()
    if counter is None:
        raise UnknownCounter()
    return counter


def current_ticket(session: Session, counter: Counter) -> Ticket | None:
    """The ticket called to or served at the counter, if any."""
    return session.scalars(_CURRENT, {"counter": counter.id}).unique().first()


# Built once: counter actions run them on every call, finish and step.
# The officer and field links load when used (a finish needs neither).
_COUNTER = select(Counter).where(Counter.centre_id == bindparam("centre"),
                                 Counter.number == bindparam("number")).options(
    lazyload(Counter.officer), lazyload(Counter.field_links))
_COUNTER_LOCKED = _COUNTER.with_for_update(of=Counter).execution_options(populate_existing=True)
# The statuses written out, not bound: only then may SQLite's planner (and PostgreSQL's
# generic plans) use the partial index uq_tickets_active_counter instead of a full scan.
_CURRENT = select(Ticket).where(
    Ticket.counter_id == bindparam("counter"),
    Ticket.status.in_(bindparam("active", ACTIVE, expanding=True, literal_execute=True)))


def held(session: Session, centre_id: int, number: int, officer: User) -> Counter:
    """The counter, locked, checked to be held by this officer."""
    return _check_holder(find_counter(session, centre_id, number, lock=True), officer)


def _check_holder(counter: Counter, officer: User) -> Counter:
    if counter.officer_id is None:
        raise CounterClosed()
    if counter.officer_id != officer.id:
        raise CounterBusy()
    return counter


# SQLite: the counter with its current ticket in one statement (each counter action needs
# both; the write gate lets one writer in at a time, so nothing changes in between).
_HELD = (
    select(Counter, Ticket)
    .outerjoin(Ticket, (Ticket.counter_id == Counter.id) & Ticket.status.in_(
        bindparam("active", ACTIVE, expanding=True, literal_execute=True)))
    .where(Counter.centre_id == bindparam("centre"), Counter.number == bindparam("number"))
    .options(lazyload(Counter.field_links))
    .with_for_update(of=Counter)
    .execution_options(populate_existing=True)
)


def held_with_current(session: Session, centre_id: int, number: int, officer: User
                      ) -> tuple[Counter, Ticket | None]:
    """The counter, locked and checked to be held by this officer, and the ticket called to
    or served at it, if any."""
    if not 1 <= number <= 2**31 - 1:
        raise UnknownCounter()
    if session.connection().dialect.name == "postgresql":
        # The lock first, then the current ticket in a statement of its own: a statement
        # that waited for the counter's lock still sees the tickets as they were when it
        # began, so a second call-next pressed at once would miss the first one's ticket.
        counter = held(session, centre_id, number, officer)
        return counter, current_ticket(session, counter)
    row = session.execute(_HELD, {"centre": centre_id, "number": number}).unique().first()
    if row is None:
        raise UnknownCounter()
    return _check_holder(row[0], officer), row[1]


def _note(session: Session, counter: Counter, kind: str, officer_id: int | None,
          now: datetime | None, reason: str | None = None) -> None:
    """Add the change to the counter's log (counter_events), in this transaction: the
    reports take officers' pause time from it."""
    session.add(CounterEvent(centre_id=counter.centre_id, counter_id=counter.id,
                             officer_id=officer_id, kind=kind, reason=reason,
                             at=now or clock.utcnow()))


def open_counter(session: Session, centre_id: int, number: int, officer: User,
                 now: datetime | None = None) -> Counter:
    """The officer takes the counter; an officer holds one counter at a time."""
    counter = find_counter(session, centre_id, number, lock=True)
    if counter.officer_id not in (None, officer.id):
        raise CounterBusy()
    other = session.scalar(
        select(Counter.number).where(Counter.officer_id == officer.id, Counter.id != counter.id)
    )
    if other is not None:
        raise CounterBusy("Cán bộ đang giữ quầy số %(counter)s; hãy đóng quầy đó trước",
                          "officer_at_other_counter", counter=other)
    if counter.officer_id != officer.id or counter.state != CounterState.OPEN:
        _note(session, counter, "open", officer.id, now)
    counter.officer_id, counter.state = officer.id, CounterState.OPEN
    session.flush()
    events.record(session, events.CounterChanged(counter), events.WaitingChanged(centre_id))
    return counter


def close_counter(session: Session, centre_id: int, number: int, officer: User,
                  now: datetime | None = None) -> Counter:
    """The officer leaves the counter; it must have no ticket in progress."""
    counter, current = held_with_current(session, centre_id, number, officer)
    if current is not None:
        raise TicketInProgress()
    _note(session, counter, "close", officer.id, now)
    counter.officer_id, counter.state = None, CounterState.CLOSED
    counter.officer = None  # the announcement names nobody (not the loaded officer)
    counter.pause_reason = counter.paused_at = None
    session.flush()
    events.record(session, events.CounterChanged(counter), events.WaitingChanged(centre_id))
    return counter


def pause(session: Session, centre_id: int, number: int, officer: User, reason: str,
          now: datetime) -> Counter:
    """The officer steps away: nobody is called here until resume; no ticket may be in progress."""
    counter, current = held_with_current(session, centre_id, number, officer)
    if current is not None:
        raise TicketInProgress()
    if counter.state != CounterState.PAUSED:
        counter.paused_at = now
    _note(session, counter, "pause", officer.id, now, reason)  # a new reason: logged too
    counter.state, counter.pause_reason = CounterState.PAUSED, reason
    session.flush()
    events.record(session, events.CounterChanged(counter), events.WaitingChanged(centre_id))
    return counter


def resume(session: Session, centre_id: int, number: int, officer: User,
           now: datetime | None = None) -> Counter:
    counter = held(session, centre_id, number, officer)
    if counter.state == CounterState.PAUSED:
        _note(session, counter, "resume", officer.id, now)
    counter.state, counter.pause_reason, counter.paused_at = CounterState.OPEN, None, None
    session.flush()
    events.record(session, events.CounterChanged(counter), events.WaitingChanged(centre_id))
    return counter


def _ready(session: Session, centre_id: int, number: int, officer: User) -> Counter:
    """The officer's counter, open (not paused) and with no ticket in progress."""
    counter, current = held_with_current(session, centre_id, number, officer)
    if counter.state == CounterState.PAUSED:
        raise CounterPaused()
    if current is not None:
        raise TicketInProgress()
    return counter


def _take(session: Session, ticket: Ticket, counter: Counter, officer: User,
          now: datetime) -> Ticket:
    if not mark(session, ticket, TicketStatus.WAITING, TicketStatus.CALLED, called_at=now,
                counter_id=counter.id, officer_id=officer.id):
        raise WrongState("Số này vừa được quầy khác gọi; hãy gọi lại")
    return _called(session, ticket, counter, officer, now)


def _called(session: Session, ticket: Ticket, counter: Counter, officer: User,
            now: datetime) -> Ticket:
    set_committed_value(ticket, "counter", counter)  # known: spare the reload for the payload
    if ticket.transferred_from_id is None:
        no_records(session, ticket)  # codes are attached from the call on: none yet
    log(session, ticket, "called", now, Actor(user_id=officer.id))
    events.record(session, events.Called(ticket), events.WaitingChanged(ticket.centre_id))
    return ticket


def call_number(session: Session, centre_id: int, number: int, officer: User, ticket_number: str,
                now: datetime, today: date) -> Ticket:
    """Call a given waiting number of today (a citizen who was out of the hall, say)."""
    counter = _ready(session, centre_id, number, officer)
    found = session.scalars(
        select(Ticket).where(Ticket.centre_id == centre_id, Ticket.service_day == today,
                             Ticket.number == ticket_number.strip().upper())
        .order_by(Ticket.id.desc())
    ).unique().all()  # fmt: skip
    waiting = [ticket for ticket in found if ticket.status == TicketStatus.WAITING]
    if not waiting:
        if found:
            said = NOT_WAITING.get(found[0].status, N_("Số %(number)s không còn chờ"))
            raise WrongState(said, number=found[0].number)
        raise UnknownTicket("Hôm nay không có số %(number)s", number=ticket_number.strip().upper())
    return _take(session, waiting[0], counter, officer, now)


def queue_order(centre_id: int, counter: Counter) -> Select[int]:
    """The ids of the tickets waiting for this counter, in the order it calls them: priority,
    then tickets sent to this very counter, then the counter's field order, then first come.
    Built once per counter and field order (building it cost more than running it)."""
    ranks = tuple((link.field_id, link.position) for link in counter.field_links)
    key = (centre_id, counter.id, ranks)
    statement = _ORDERS.get(key)
    if statement is None:
        if len(_ORDERS) > 1000:
            _ORDERS.clear()
        statement = _ORDERS[key] = _queue_order(centre_id, counter.id, dict(ranks))
    return statement


_ORDERS: dict[tuple[Any, ...], Select[int]] = {}


def _queue_order(centre_id: int, counter_id: int, ranks: dict[int, int]) -> Select[int]:
    rank = case(
        (Ticket.target_counter_id == counter_id, -1),
        *((Ticket.field_id == field_id, position) for field_id, position in ranks.items()),
        else_=len(ranks),
    )
    serves_field = Ticket.field_id.in_(ranks) & Ticket.target_counter_id.is_(None)
    return (
        select(Ticket.id)
        .where(Ticket.centre_id == centre_id, Ticket.status == TicketStatus.WAITING,
               or_(serves_field, Ticket.target_counter_id == counter_id))
        .order_by(Ticket.priority.desc(), rank, Ticket.queued_at, Ticket.id)
    )  # fmt: skip


def waiting_for(session: Session, centre_id: int, number: int, limit: int = 200) -> list[Ticket]:
    """The tickets this counter would call, in order (the console's waiting list)."""
    counter = find_counter(session, centre_id, number)
    ids = list(session.scalars(queue_order(centre_id, counter).limit(limit)))
    found = {t.id: t for t in session.scalars(select(Ticket).where(Ticket.id.in_(ids))).unique()}
    return [found[i] for i in ids if i in found]


_RANKS = select(CounterField.field_id, CounterField.position).where(
    CounterField.counter_id == bindparam("counter"))
_ranks: cache.Remembered[tuple[tuple[int, int], ...]] = cache.Remembered()


def field_ranks(session: Session, counter: Counter) -> tuple[tuple[int, int], ...]:
    """(field id, position) of each field the counter serves, remembered between requests
    like the counter itself (hall.store.cache): a call costs no query for them."""
    ranks = _ranks.get(session, counter.id)
    if ranks is None:
        generation = cache.generation()
        rows = session.execute(_RANKS, {"counter": counter.id})
        ranks = tuple(sorted((int(field), int(position)) for field, position in rows))
        _ranks.put(session, counter.id, ranks, generation)
    return ranks


def _statement(kind: str, session: Session, centre_id: int, counter: Counter) -> Any:
    ranks = field_ranks(session, counter)
    key = (kind, centre_id, counter.id, ranks)
    statement = _ORDERS.get(key)
    if statement is None:
        if len(_ORDERS) > 1000:
            _ORDERS.clear()
        build = _next_in_line if kind == "next" else _take_next
        statement = _ORDERS[key] = build(centre_id, counter.id, dict(ranks))
    return statement


def next_in_line(session: Session, centre_id: int, counter: Counter) -> Select[Any]:
    """The id of the ticket this counter calls next, in `queue_order`'s order, read from the
    head of each line it serves (its own targeted line, each field's line, priority and
    normal apart): one index probe per line and a sort of those few heads, whatever the
    length of the lines (sorting every waiting ticket cost milliseconds at a few thousand)."""
    statement: Select[Any] = _statement("next", session, centre_id, counter)
    return statement


def _next_in_line(centre_id: int, counter_id: int, ranks: dict[int, int]) -> Select[Any]:
    # No centre condition: the counter and its fields belong to one centre, and each line's
    # probe must match an index exactly (ix_tickets_target, ix_tickets_line). Built on the
    # table's columns, not the mapped class's: an ORM UPDATE whose WHERE holds a subquery of
    # the mapped class misses SQLAlchemy's compiled cache and is compiled on every call.
    t = Ticket.__table__.c
    lines: list[tuple[Any, int]] = [
        (t.target_counter_id == counter_id, -1),  # sent to this counter: before the rest
        *(((t.field_id == field_id) & t.target_counter_id.is_(None), position)
          for field_id, position in ranks.items()),
    ]
    heads = []
    for line, rank in lines:
        for priority in (True, False):
            head = (select(t.id, t.priority, literal(rank).label("rank"), t.queued_at)
                    .where(line, t.status == TicketStatus.WAITING, t.priority == priority)
                    .order_by(t.queued_at, t.id).limit(1).subquery())
            heads.append(select(*head.c))  # SQLite: a LIMIT inside a UNION needs a subquery
    every = union_all(*heads).subquery("heads")
    return (select(every.c.id)
            .order_by(every.c.priority.desc(), every.c.rank, every.c.queued_at, every.c.id)
            .limit(1))


def _take_next(centre_id: int, counter_id: int, ranks: dict[int, int]) -> Any:
    """UPDATE the first of the heads to called at this counter, if it still waits, RETURNING
    the ticket: choice and compare-and-set in one round trip."""
    first = _next_in_line(centre_id, counter_id, ranks).scalar_subquery()
    return (update(Ticket)
            .where(Ticket.id == first, Ticket.status == TicketStatus.WAITING)
            .values(status=TicketStatus.CALLED, called_at=bindparam("now"), counter_id=counter_id,
                    officer_id=bindparam("officer"))
            .returning(Ticket)
            .execution_options(synchronize_session=False, populate_existing=True))


CALL_TRIES = 20


def call_next(session: Session, centre_id: int, number: int, officer: User,
              now: datetime) -> Ticket | None:
    """Call the next waiting ticket for this counter; None when nobody waits. One UPDATE
    chooses the head and moves it to called only if it still waits; a counter that loses
    that race to another (PostgreSQL: rows lock one by one) finds the next head on the next
    try, since its UPDATE waited for the winner's commit."""
    counter = _ready(session, centre_id, number, officer)
    take = _statement("take", session, centre_id, counter)
    for _ in range(CALL_TRIES):
        ticket = session.scalars(take, {"now": now, "officer": officer.id}).first()
        if ticket is not None:
            set_committed_value(ticket, "field", field_by_id(session, centre_id, ticket.field_id))
            return _called(session, ticket, counter, officer, now)
        if session.scalar(next_in_line(session, centre_id, counter)) is None:
            return None  # nobody waits; else another counter took the head: try the next
    raise WrongState("Số này vừa được quầy khác gọi; hãy gọi lại")


def _current(session: Session, centre_id: int, number: int, officer: User
             ) -> tuple[Counter, Ticket]:
    counter, ticket = held_with_current(session, centre_id, number, officer)
    if ticket is None:
        raise NoCurrentTicket()
    return counter, ticket


def _step(session: Session, centre_id: int, number: int, officer: User, now: datetime,
          expected: tuple[str, ...], status: str, kind: str, **values: datetime) -> Ticket:
    """Move the counter's current ticket along one arrow of the state diagram."""
    _, ticket = _current(session, centre_id, number, officer)
    records_of(session, ticket)  # read in this transaction: the payload after the commit
    if not mark(session, ticket, expected, status, **values):
        raise WrongState()
    log(session, ticket, kind, now, Actor(user_id=officer.id))
    if kind == "recalled":
        events.record(session, events.Called(ticket, recall=True))
    else:
        events.record(session, events.Updated(ticket))
    if kind == "finished":
        events.record(session, events.RatingRequested(ticket))
    return ticket


def recall(session: Session, centre_id: int, number: int, officer: User,
           now: datetime) -> Ticket:
    """Call the current ticket again (it stays called)."""
    return _step(session, centre_id, number, officer, now, (TicketStatus.CALLED,),
                 TicketStatus.CALLED, "recalled")


def start(session: Session, centre_id: int, number: int, officer: User,
          now: datetime) -> Ticket:
    return _step(session, centre_id, number, officer, now, (TicketStatus.CALLED,),
                 TicketStatus.SERVING, "started",
                 started_at=now)


def finish(session: Session, centre_id: int, number: int, officer: User,
           now: datetime) -> Ticket:
    return _step(session, centre_id, number, officer, now, ACTIVE, TicketStatus.DONE, "finished",
                 finished_at=now)


def no_show(session: Session, centre_id: int, number: int, officer: User,
            now: datetime) -> Ticket:
    return _step(session, centre_id, number, officer, now, (TicketStatus.CALLED,),
                 TicketStatus.NO_SHOW, "no_show",
                 finished_at=now)


def transfer(session: Session, centre_id: int, number: int, officer: User, now: datetime, *,
             field_code: str | None = None, counter_number: int | None = None
             ) -> tuple[Ticket, Ticket]:
    """Send the current ticket to another field or counter: a new waiting ticket,
    same number and priority, queued by its first issue time."""
    if (field_code is None) == (counter_number is None):
        raise Invalid("Chọn đúng một lĩnh vực hoặc một quầy để chuyển", "invalid_body")
    counter, old = _current(session, centre_id, number, officer)
    target_field = find_field(session, centre_id, field_code) if field_code else old.field
    target = find_counter(session, centre_id, counter_number) if counter_number else None
    if not mark(session, old, ACTIVE, TicketStatus.TRANSFERRED, finished_at=now):
        raise WrongState()
    new = Ticket(
        centre_id=old.centre_id, field_id=target_field.id, origin_field_id=old.origin_field_id,
        service_day=old.service_day, sequence=old.sequence, number=old.number,
        priority=old.priority, priority_category=old.priority_category, source="transfer",
        status=TicketStatus.WAITING, issued_at=now, queued_at=old.queued_at,
        target_counter_id=target.id if target else None,
        tracking_token=old.tracking_token, transferred_from_id=old.id,
        # the citizen's procedure still holds at another counter of the same field
        procedure_id=old.procedure_id if target_field.id == old.field_id else None,
    )  # fmt: skip
    session.add(new)
    session.flush()
    actor = Actor(user_id=officer.id)
    log(session, old, "transferred", now, actor, to_ticket=new.id, field=target_field.code,
        counter=counter_number)
    log(session, new, "issued", now, actor, number=new.number, field=target_field.code,
        from_ticket=old.id)
    events.record(session, events.Updated(old), events.Updated(new),
                  events.WaitingChanged(centre_id))
    return old, new
