"""Use cases on tickets: issue, cancel, look up. They never commit, emit or print."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from typing import cast

from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import cast as cast_
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import inspect
from sqlalchemy import literal
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from hall.engine import events
from hall.engine import hours
from hall.engine import lines
from hall.engine import numbering
from hall.engine.clock import service_day
from hall.engine.errors import Conflict
from hall.engine.errors import FieldClosed
from hall.engine.errors import Forbidden
from hall.engine.errors import Invalid
from hall.engine.errors import NotFound
from hall.engine.errors import UnknownField
from hall.engine.errors import UnknownTicket
from hall.engine.errors import WrongState
from hall.models import Centre
from hall.models import Counter
from hall.models import Field
from hall.models import IdempotencyKey
from hall.models import Procedure
from hall.models import Ticket
from hall.models import TicketEvent
from hall.models import TicketRecord
from hall.models import User
from hall.models.vocabulary import Role
from hall.models.vocabulary import TicketStatus
from hall.store import cache
from hall.store import db


@dataclass(frozen=True)
class Actor:
    """Who caused a change: a user, a device, or the system."""

    user_id: int | None = None
    device_id: int | None = None


# The issue path runs on every kiosk tap: its statements are built once, executed as Core on
# the session's connection (no unit of work), and the rows it writes are attached to the
# session as if loaded, so the answer is built without another query.
_TICKETS, _EVENTS = cast(Table, Ticket.__table__), cast(Table, TicketEvent.__table__)
_TICKET_KEYS = [column.key for column in inspect(Ticket).column_attrs if column.key != "id"]
_EVENT_KEYS = ["ticket_id", "centre_id", "kind", "at", "status", "counter_id", "user_id",
               "device_id", "data"]
_INSERT_TICKET = db.Prepared(insert(_TICKETS).values(
    {key: bindparam(key) for key in _TICKET_KEYS}).returning(_TICKETS.c.id))
_INSERT_EVENT = db.Prepared(insert(_EVENTS).values({key: bindparam(key) for key in _EVENT_KEYS}))
_FIELD_BY_CODE = select(Field).where(Field.centre_id == bindparam("centre"),
                                     Field.code == bindparam("code"))
_IDEMPOTENT = select(IdempotencyKey.ticket_id).where(
    IdempotencyKey.credential == bindparam("credential"), IdempotencyKey.key == bindparam("key"),
    IdempotencyKey.service_day == bindparam("day"),
)  # fmt: skip
_INSERT_KEY = insert(cast(Table, IdempotencyKey.__table__))
_fields: cache.Remembered[Field] = cache.Remembered()


def log(session: Session, ticket: Ticket, kind: str, now: datetime, actor: Actor,
        **data: Any) -> None:
    """Append one event to the ticket's log (every change passes here, so a place in line
    remembered before it is forgotten)."""
    lines.forget_places(session)
    _INSERT_EVENT.run(session, {
        "ticket_id": ticket.id, "centre_id": ticket.centre_id, "kind": kind, "at": now,
        "status": ticket.status, "counter_id": ticket.counter_id, "user_id": actor.user_id,
        "device_id": actor.device_id, "data": data,
    })  # fmt: skip
    events.record(session, events.Logged(ticket, kind))


def find_field(session: Session, centre_id: int, code: str) -> Field:
    """The centre's field with this code (remembered between requests, see hall.store.cache)."""
    remembered = _fields.get(session, (centre_id, code))
    if remembered is not None:
        return cache.attach(session, remembered)
    generation = cache.generation()
    field = session.scalar(_FIELD_BY_CODE, {"centre": centre_id, "code": code})
    if field is None:
        raise UnknownField()
    _fields.put(session, (centre_id, code), cache.snapshot(field), generation)
    return field


def field_by_id(session: Session, centre_id: int, field_id: int) -> Field:
    """The centre's field with this id (remembered like `find_field`)."""
    remembered = _fields.get(session, (centre_id, field_id))
    if remembered is not None:
        return cache.attach(session, remembered)
    generation = cache.generation()
    field = session.get(Field, field_id)
    if field is None or field.centre_id != centre_id:
        raise UnknownField()
    _fields.put(session, (centre_id, field_id), cache.snapshot(field), generation)
    return field


def get_ticket(session: Session, centre_id: int, ticket_id: int) -> Ticket:
    if not 1 <= ticket_id <= 2**31 - 1:
        raise UnknownTicket()
    ticket = session.get(Ticket, ticket_id)
    if ticket is None or ticket.centre_id != centre_id:
        raise UnknownTicket()
    return ticket


def by_tracking_token(session: Session, token: str) -> Ticket | None:
    """The newest ticket carrying this tracking token (a transfer passes it on)."""
    statement = select(Ticket).where(Ticket.tracking_token == token).order_by(Ticket.id.desc())
    return session.scalars(statement.limit(1)).first()


def issue(session: Session, centre: Centre, field_code: str, *, now: datetime, actor: Actor,
          source: str, priority: bool = False, category: str | None = None,
          procedure_id: int | None = None) -> Ticket:
    """Give the next number of the field to a new waiting ticket (for a procedure of that
    field, when the citizen named one)."""
    field = find_field(session, centre.id, field_code)
    if not field.is_open:
        raise FieldClosed()
    if source == "kiosk" and not hours.is_open(centre.opening_hours, centre.timezone, now):
        raise FieldClosed("Ngoài giờ làm việc; xin quay lại trong giờ làm việc", "outside_hours")
    if category is not None and category not in centre.priority_categories:
        raise Invalid("Nhóm ưu tiên không hợp lệ", "unknown_priority_category")
    day = service_day(now, centre.timezone)
    priority = priority or category is not None
    values: dict[str, Any] = dict.fromkeys(_TICKET_KEYS)
    values.update(
        centre_id=centre.id, field_id=field.id, origin_field_id=field.id, service_day=day,
        priority=priority, priority_category=category, source=source,
        status=TicketStatus.WAITING, issued_at=now, queued_at=now, device_id=actor.device_id,
        tracking_token=secrets.token_urlsafe(18), procedure_id=procedure_id,
    )  # fmt: skip
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        ticket, ahead = _issue_in_one_statement(session, field, values, actor)
        events.record(session, events.Logged(ticket, "issued"))  # its log line was in the statement
    else:
        sequence, ahead = numbering.allocate(session, field, day, priority)
        values.update(sequence=sequence, number=numbering.format_number(field, sequence))
        ticket = _attach_new(session, values, _INSERT_TICKET.run(session, values).fetchone()[0])
        log(session, ticket, "issued", now, actor, number=ticket.number, field=field.code)
    set_committed_value(ticket, "field", field)
    lines.know_place(session, ticket, ahead)
    events.record(session, events.WaitingChanged(centre.id))
    return ticket


def _issue_in_one_statement(session: Session, field: Field, values: dict[str, Any],
                            actor: Actor) -> tuple[Ticket, int]:
    """PostgreSQL: number, ticket and issued event in one statement, so the row lock on the
    field's sequence is held for one round trip and the commit, not three (kiosks tapping the
    same field queue on it). The number is formatted in SQL and checked here against Python's
    rule (numbering.format_number), which also refuses a number past the daily capacity."""
    statement = _ONE_STATEMENT["block" if field.block_start is not None else "prefix"]
    row = statement.run(session, {
        **values, "field": field.id, "day": values["service_day"],
        "normal": 0 if values["priority"] else 1, "block_start": field.block_start,
        "prefix": field.prefix or "", "digits": field.digits, "field_code": field.code,
        "event_user": actor.user_id, "event_device": actor.device_id,
    }).fetchone()  # fmt: skip
    row_id, sequence, number, ahead = row
    if number != numbering.format_number(field, sequence):
        raise RuntimeError(f"number {number} does not follow the field's rule")
    values.update(sequence=sequence, number=number)
    return _attach_new(session, values, row_id), int(ahead)


def _one_statement(kind: str) -> Any:
    seq = numbering.upsert_statement("postgresql").cte("seq")
    value = cast_(seq.c.last_value, String)
    if kind == "block":
        number: Any = cast_(bindparam("block_start", type_=Integer) + seq.c.last_value - 1, String)
    else:
        digits = bindparam("digits", type_=Integer)
        number = bindparam("prefix", type_=String) + case(
            (func.length(value) >= digits, value), else_=func.lpad(value, digits, "0"))
    keys = [key for key in _TICKET_KEYS if key not in ("sequence", "number")]
    new = insert(_TICKETS).from_select(
        [*keys, "sequence", "number"],
        select(*(bindparam(key, type_=_TICKETS.c[key].type) for key in keys),
               seq.c.last_value, number),
    ).returning(_TICKETS.c.id, _TICKETS.c.centre_id, _TICKETS.c.issued_at, _TICKETS.c.status,
                _TICKETS.c.sequence, _TICKETS.c.number).cte("new_ticket")
    data = func.json_build_object("number", new.c.number, "field",
                                  bindparam("field_code", type_=String))
    event = insert(_EVENTS).from_select(
        ["ticket_id", "centre_id", "kind", "at", "status", "user_id", "device_id", "data"],
        select(new.c.id, new.c.centre_id, literal("issued"), new.c.issued_at, new.c.status,
               bindparam("event_user", type_=Integer), bindparam("event_device", type_=Integer),
               data),
    ).returning(_EVENTS.c.id).cte("issued_event")
    both = new.join(seq, true())  # one row each
    return (select(new.c.id, new.c.sequence, new.c.number, seq.c.ahead).select_from(both)
            .add_cte(seq).add_cte(new).add_cte(event))


_ONE_STATEMENT = {kind: db.Prepared(_one_statement(kind)) for kind in ("block", "prefix")}




def _attach_new(session: Session, values: dict[str, Any], row_id: int) -> Ticket:
    """The ticket just inserted with `values`, as a persistent object of the session (its
    attributes filled in directly: the row holds exactly these values)."""
    ticket: Ticket = cache.adopt(session, _TICKET_MAPPER, {**values, "id": row_id},
                                 _TICKET_MAPPER.identity_key_from_primary_key((row_id,)))
    return ticket


_TICKET_MAPPER = inspect(Ticket)


def remember_key(session: Session, credential: str, key: str, ticket: Ticket) -> None:
    """Record an Idempotency-Key so the same key answers with this ticket."""
    session.connection().execute(_INSERT_KEY, {
        "credential": credential, "key": key, "service_day": ticket.service_day,
        "ticket_id": ticket.id,
    })  # fmt: skip


def recall_key(session: Session, credential: str, key: str, centre: Centre,
               now: datetime) -> Ticket | None:
    """The ticket an Idempotency-Key already produced today, if any."""
    day = service_day(now, centre.timezone)
    ticket_id = session.connection().execute(
        _IDEMPOTENT, {"credential": credential, "key": key, "day": day}).scalar()
    return session.get(Ticket, ticket_id) if ticket_id is not None else None


def check_lane(session: Session, user: User, ticket: Ticket, *, by_field: bool = False) -> None:
    """An officer handles only the tickets of their own counter: one they called or serve,
    one called to or sent to the counter they hold, and, with `by_field` (cancelling a
    waiting ticket), one of a field that counter serves. Managers and admins may handle any
    ticket of their centre."""
    if user.role != Role.OFFICER or ticket.officer_id == user.id:
        return
    held = session.scalars(select(Counter).where(Counter.officer_id == user.id)).unique().all()
    for counter in held:
        if ticket.counter_id == counter.id or ticket.target_counter_id == counter.id:
            return
        if (by_field and ticket.target_counter_id is None
                and ticket.field_id in {link.field_id for link in counter.field_links}):
            return
    raise Forbidden("Số này thuộc quầy khác; chỉ cán bộ của quầy đó hoặc quản lý được xử lý")


def cancel(session: Session, centre_id: int, ticket_id: int, *, now: datetime,
           actor: Actor, user: User | None = None) -> Ticket:
    """A waiting citizen left: the ticket becomes cancelled (by `user`, in their lane)."""
    ticket = get_ticket(session, centre_id, ticket_id)
    if user is not None:
        check_lane(session, user, ticket, by_field=True)
    changed = mark(session, ticket, TicketStatus.WAITING, TicketStatus.CANCELLED, finished_at=now)
    if not changed:
        raise WrongState("Chỉ hủy được số đang chờ")
    log(session, ticket, "cancelled", now, actor)
    events.record(session, events.Updated(ticket), events.WaitingChanged(centre_id))
    return ticket


_MARKS: dict[tuple[Any, ...], Any] = {}


def mark(session: Session, ticket: Ticket, expected: str | tuple[str, ...], status: str,
         **values: Any) -> bool:
    """Move the ticket to `status` only if it is still in `expected` (compare-and-set)."""
    allowed = (expected,) if isinstance(expected, str) else expected
    arrow = (allowed, tuple(values))
    statement = _MARKS.get(arrow)
    if statement is None:  # one statement per arrow of the state diagram, built once
        statement = _MARKS[arrow] = update(_TICKETS).where(
            _TICKETS.c.id == bindparam("ticket_id"), _TICKETS.c.status.in_(allowed),
        ).values({name: bindparam(name) for name in ("status", *values)})  # fmt: skip
    result = session.connection().execute(statement, {"ticket_id": ticket.id, "status": status,
                                                      **values})
    if result.rowcount != 1:
        return False
    # The row now holds these values; record them without another SELECT or a re-flush.
    for key, value in {"status": status, **values}.items():
        set_committed_value(ticket, key, value)
    if "counter_id" in values:
        session.expire(ticket, ["counter"])
    return True


MAX_RECORDS = 20


_RECORDS = select(TicketRecord.code).where(TicketRecord.ticket_id == bindparam("ticket")).order_by(
    TicketRecord.id)
_RECORDS_SEEN = "hall.records"


def records_of(session: Session, ticket: Ticket) -> list[str]:
    """The record codes (mã hồ sơ) attached to a ticket, oldest first (asked once per session
    and ticket: an event's payload and the answer both show them)."""
    if ticket.status == TicketStatus.WAITING and ticket.transferred_from_id is None:
        return []  # codes are attached from the call on: spare the query on the issue path
    seen: dict[int, list[str]] = session.info.setdefault(_RECORDS_SEEN, {})
    if ticket.id not in seen:
        seen[ticket.id] = list(session.connection().execute(_RECORDS, {"ticket": ticket.id}).scalars())
    return list(seen[ticket.id])


def preload_records(session: Session, tickets: Iterable[Ticket]) -> None:
    """Read the record codes of these tickets in one query, for the `records_of` calls that
    follow (a snapshot lists many called and serving tickets)."""
    seen: dict[int, list[str]] = session.info.setdefault(_RECORDS_SEEN, {})
    wanted = {ticket.id for ticket in tickets if ticket.id not in seen
              and not (ticket.status == TicketStatus.WAITING and ticket.transferred_from_id is None)}
    if not wanted:
        return
    for ticket_id in wanted:
        seen[ticket_id] = []
    rows = session.execute(select(TicketRecord.ticket_id, TicketRecord.code)
                           .where(TicketRecord.ticket_id.in_(wanted)).order_by(TicketRecord.id))
    for ticket_id, code in rows:
        seen[ticket_id].append(code)


def no_records(session: Session, ticket: Ticket) -> None:
    """Note that the ticket has no record codes (it was waiting, untransferred, a moment
    ago in this transaction): the payloads built after the commit need no query for them."""
    session.info.setdefault(_RECORDS_SEEN, {})[ticket.id] = []


def add_records(session: Session, centre_id: int, ticket_id: int, codes: list[str], *,
                now: datetime, user: User) -> Ticket:
    """Attach record codes to a ticket that has been called; codes already there are kept once."""
    ticket = get_ticket(session, centre_id, ticket_id)
    if ticket.status in (TicketStatus.WAITING, TicketStatus.CANCELLED):
        raise WrongState("Chỉ gắn mã hồ sơ cho số đã được gọi")
    check_lane(session, user, ticket)
    user_id = user.id
    present = set(records_of(session, ticket))
    new = [code for code in dict.fromkeys(codes) if code not in present]
    if len(present) + len(new) > MAX_RECORDS:
        raise Invalid("Mỗi số gắn tối đa %(n)s mã hồ sơ", "too_many_records", n=MAX_RECORDS)
    session.info.get(_RECORDS_SEEN, {}).pop(ticket.id, None)
    for code in new:
        session.add(TicketRecord(ticket_id=ticket.id, code=code, user_id=user_id, added_at=now))
    session.flush()
    events.record(session, events.Updated(ticket))
    return ticket


def set_procedure(session: Session, centre_id: int, ticket_id: int, procedure_id: int | None,
                  user: User) -> Ticket:
    """The officer names the procedure the citizen came for (or none): one of the ticket's
    field; a procedure of another field is a transfer, not a change of name."""
    ticket = get_ticket(session, centre_id, ticket_id)
    check_lane(session, user, ticket, by_field=True)
    if procedure_id is not None:
        procedure = session.get(Procedure, procedure_id) if 1 <= procedure_id <= 2**31 - 1 else None
        if procedure is None or procedure.centre_id != centre_id:
            raise NotFound("Thủ tục không tồn tại", "unknown_procedure")
        if procedure.field_id != ticket.field_id:
            raise Conflict("Thủ tục này thuộc lĩnh vực khác: hãy chuyển số sang lĩnh vực đó",
                           "procedure_of_another_field")
    ticket.procedure_id = procedure_id
    session.flush()
    events.record(session, events.Updated(ticket))
    return ticket


def remove_record(session: Session, centre_id: int, ticket_id: int, code: str,
                  user: User) -> Ticket:
    ticket = get_ticket(session, centre_id, ticket_id)
    check_lane(session, user, ticket)
    record = session.scalar(select(TicketRecord).where(TicketRecord.ticket_id == ticket.id,
                                                       TicketRecord.code == code))
    if record is None:
        raise NotFound("Số này không có mã hồ sơ đó", "unknown_record")
    session.info.get(_RECORDS_SEEN, {}).pop(ticket.id, None)
    session.delete(record)
    session.flush()
    events.record(session, events.Updated(ticket))
    return ticket
