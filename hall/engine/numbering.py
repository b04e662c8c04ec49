"""Ticket numbers: one atomic upsert per (field, service day), then formatting."""

from __future__ import annotations

from datetime import date
from typing import Any
from typing import cast

from sqlalchemy import Integer
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from hall.engine.errors import FieldFull
from hall.models import Field
from hall.models import LineCount
from hall.models import TicketSequence
from hall.store import db

_SEQUENCES = cast(Table, TicketSequence.__table__)
_UPSERTS: dict[str, Any] = {}


def upsert_statement(dialect: str) -> Any:
    """INSERT … ON CONFLICT DO UPDATE … RETURNING the new value and the place in line of a
    ticket issued with it (every waiting ticket of the field's own line comes before a new
    normal ticket; the priority ones before a new priority ticket), read from the line's
    counts that triggers keep (hall.models.LineCount); built once per dialect."""
    if dialect not in _UPSERTS:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        upsert = insert(_SEQUENCES).values(field_id=bindparam("field"),
                                           service_day=bindparam("day"), last_value=1)
        line = LineCount.__table__.c
        counts = select(line.priority + line.normal * bindparam("normal", type_=Integer)).where(
            line.field_id == bindparam("field"))
        if dialect == "postgresql":  # the newest committed counts, not the statement's snapshot
            counts = counts.with_for_update()  # (a kiosk waiting on the sequence row saw old ones)
        ahead = counts.scalar_subquery()
        _UPSERTS[dialect] = upsert.on_conflict_do_update(
            index_elements=["field_id", "service_day"],
            set_={"last_value": _SEQUENCES.c.last_value + 1},
        ).returning(_SEQUENCES.c.last_value, func.coalesce(ahead, 0).label("ahead"))
    return _UPSERTS[dialect]


def allocate(session: Session, field: Field, day: date, priority: bool = False
             ) -> tuple[int, int]:
    """The next sequence value for the field and day, and how many wait ahead of a ticket
    issued with it, in one statement."""
    dialect = session.connection().dialect.name
    statement = _PREPARED.get(dialect) or _PREPARED.setdefault(
        dialect, db.Prepared(upsert_statement(dialect)))
    value, ahead = statement.run(
        session, {"field": field.id, "day": day, "normal": 0 if priority else 1}).fetchone()
    return int(value), int(ahead)


_PREPARED: dict[str, db.Prepared] = {}


def capacity(field: Field) -> int | None:
    """How many numbers the field may hand out in a day, if limited."""
    limits = []
    if field.daily_capacity:
        limits.append(field.daily_capacity)
    if field.block_start is not None and field.block_end is not None:
        limits.append(field.block_end - field.block_start + 1)
    return min(limits) if limits else None


def format_number(field: Field, sequence: int) -> str:
    """'A001' for a letter prefix, '1001' for a number block."""
    limit = capacity(field)
    if limit is not None and sequence > limit:
        raise FieldFull()
    if field.block_start is not None:
        return str(field.block_start + sequence - 1)
    return f"{field.prefix or ''}{sequence:0{field.digits}d}"
