"""The log of what happened at each counter: opened, closed, paused (with the reason) and
resumed. Written by the engine in the same transaction as the change; never updated. The
reports read officers' pause time from it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from hall.models.base import Base
from hall.models.base import UTCDateTime

COUNTER_EVENT_KINDS = ("open", "close", "pause", "resume")


class CounterEvent(Base):
    """One change of a counter's state. The counter is kept as null once the counter is
    deleted (a counter that never served anybody), so its officer's pauses still count."""

    __tablename__ = "counter_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    counter_id: Mapped[int | None] = mapped_column(
        ForeignKey("counters.id", ondelete="SET NULL"), default=None)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(200), default=None)
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("kind IN ('open', 'close', 'pause', 'resume')", name="kind"),
        Index("ix_counter_events_centre_at", "centre_id", "at"),
    )
