"""Closed service days rolled up for the reports: one row per day, field, counter, officer and
local hour of first issue, with its counts, its waits and service times (the numbers
themselves, so percentiles stay exact) and its ratings by level and reason.

hall.read.stats builds a day's rows the first time a report covers it once the day is
ROLLUP_AFTER_DAYS old, and marks the day; database triggers (migration 0012) drop the mark
whenever a ticket or a rating of that day changes afterwards, so the next report builds the
day again from the tickets."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from hall.models.base import Base
from hall.models.base import UTCDateTime

# The rating levels and reasons a row counts, each a column (hall.engine.ratings' keys).
LEVEL_COLUMNS = ("very_satisfied", "satisfied", "neutral", "dissatisfied")
REASON_COLUMNS = ("attitude", "waiting_time", "unclear_guidance", "complicated_procedure",
                  "facilities", "other")


class StatsDay(Base):
    """One day's figures for one field, counter, officer and hour. The field, counter and
    officer are plain ids (no foreign key): rows are rebuilt from the tickets, never edited."""

    __tablename__ = "stats_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    service_day: Mapped[date] = mapped_column(Date)
    field_id: Mapped[int] = mapped_column(Integer)
    counter_id: Mapped[int | None] = mapped_column(Integer, default=None)
    officer_id: Mapped[int | None] = mapped_column(Integer, default=None)
    hour: Mapped[int] = mapped_column(Integer)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    served: Mapped[int] = mapped_column(Integer, default=0)
    no_show: Mapped[int] = mapped_column(Integer, default=0)
    transferred: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[int] = mapped_column(Integer, default=0)
    # seconds, comma-separated, as the report reads them back
    waits: Mapped[str | None] = mapped_column(Text, default=None)
    services: Mapped[str | None] = mapped_column(Text, default=None)
    very_satisfied: Mapped[int] = mapped_column(Integer, default=0)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)
    neutral: Mapped[int] = mapped_column(Integer, default=0)
    dissatisfied: Mapped[int] = mapped_column(Integer, default=0)
    attitude: Mapped[int] = mapped_column(Integer, default=0)
    waiting_time: Mapped[int] = mapped_column(Integer, default=0)
    unclear_guidance: Mapped[int] = mapped_column(Integer, default=0)
    complicated_procedure: Mapped[int] = mapped_column(Integer, default=0)
    facilities: Mapped[int] = mapped_column(Integer, default=0)
    other: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_stats_days_centre_day", "centre_id", "service_day"),)


class StatsDayMark(Base):
    """A day whose rows in stats_days are complete and current."""

    __tablename__ = "stats_day_marks"

    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), primary_key=True)
    service_day: Mapped[date] = mapped_column(Date, primary_key=True)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)
