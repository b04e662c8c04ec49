"""Tickets, their append-only event log, ratings, and number sequences."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from hall.models.base import Base
from hall.models.base import UTCDateTime
from hall.models.centre import Counter
from hall.models.centre import Field
from hall.models.vocabulary import ACTIVE as ACTIVE  # re-exported for the engine
from hall.models.vocabulary import TicketStatus

STATUSES = tuple(TicketStatus)
SOURCES = ("kiosk", "counter", "api", "booking", "transfer")
EVENT_KINDS = (
    "issued", "called", "recalled", "started", "finished",
    "no_show", "transferred", "cancelled", "rated",
)  # fmt: skip

_ACTIVE_SQL = text("status IN ('called', 'serving')")
_ISSUED_SQL = text("transferred_from_id IS NULL")
_UNSENT_SQL = text("target_counter_id IS NULL")
_SENT_SQL = text("target_counter_id IS NOT NULL")


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"))
    # The field whose sequence gave the number; a transfer keeps it.
    origin_field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"))
    service_day: Mapped[date] = mapped_column(Date)
    sequence: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16))
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    priority_category: Mapped[str | None] = mapped_column(String(32), default=None)
    source: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Queue order: the first issue time, kept across transfers.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), default=None)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    target_counter_id: Mapped[int | None] = mapped_column(
        ForeignKey("counters.id"), default=None
    )
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), default=None)
    # the procedure (thủ tục) the citizen came for, when the kiosk or the officer names it. No
    # foreign key: SQLite could add one only by copying the table past the statistics
    # triggers; procedures are hidden, never deleted, and a missing one reads as none.
    procedure_id: Mapped[int | None] = mapped_column(Integer, default=None)
    tracking_token: Mapped[str] = mapped_column(String(64), index=True)
    transferred_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id"), default=None
    )

    field: Mapped[Field] = relationship(foreign_keys=[field_id], lazy="joined")
    counter: Mapped[Counter | None] = relationship(foreign_keys=[counter_id], lazy="joined")

    __table_args__ = (
        CheckConstraint(
            "status IN ('waiting', 'called', 'serving', 'done', 'no_show', "
            "'transferred', 'cancelled')",
            name="status",
        ),
        Index(
            "uq_tickets_number",
            "origin_field_id", "service_day", "sequence",
            unique=True, sqlite_where=_ISSUED_SQL, postgresql_where=_ISSUED_SQL,
        ),
        Index(
            "uq_tickets_active_counter",
            "counter_id",
            unique=True, sqlite_where=_ACTIVE_SQL, postgresql_where=_ACTIVE_SQL,
        ),
        Index("ix_tickets_queue", "centre_id", "status", "field_id"),
        # a field's own line: a place in line is two range counts over this index alone, and
        # the head of the line (the next to call) its first entry
        Index("ix_tickets_line", "field_id", "status", "priority", "queued_at", "id",
              sqlite_where=_UNSENT_SQL, postgresql_where=_UNSENT_SQL),
        Index("ix_tickets_day", "centre_id", "service_day"),
        # the line of tickets sent to one counter (a transfer to a named counter)
        Index("ix_tickets_target", "target_counter_id", "status", "priority", "queued_at", "id",
              sqlite_where=_SENT_SQL, postgresql_where=_SENT_SQL),
    )  # fmt: skip


class TicketEvent(Base):
    """One change of a ticket; never updated or deleted."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), default=None)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), default=None)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_ticket_events_recent", "centre_id", "kind", "at"),)


class Rating(Base):
    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    level: Mapped[str] = mapped_column(String(32))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), default=None)
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TicketSequence(Base):
    """The last number handed out per field and service day."""

    __tablename__ = "ticket_sequences"

    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"), primary_key=True)
    service_day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class LineCount(Base):
    """How many tickets wait in each field's own line (not sent to a given counter), normal and
    priority apart. Kept by database triggers on `tickets` (migration 0005), so every path that
    changes a ticket keeps it right; a new ticket's place in line is read here in O(1)."""

    __tablename__ = "line_counts"

    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"), primary_key=True,
                                          autoincrement=False)
    normal: Mapped[int] = mapped_column(Integer, default=0)
    priority: Mapped[int] = mapped_column(Integer, default=0)


class IdempotencyKey(Base):
    """An Idempotency-Key already answered, per credential and service day."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(200))
    service_day: Mapped[date] = mapped_column(Date)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))

    __table_args__ = (UniqueConstraint("credential", "key", "service_day"),)


class TicketRecord(Base):
    """A record code (mã hồ sơ) of the province's procedure system attached to a ticket."""

    __tablename__ = "ticket_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("ticket_id", "code"),)
