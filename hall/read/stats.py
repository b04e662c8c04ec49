"""Wait and service times, outcomes and ratings, grouped by field, counter, officer, day or hour."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.engine.clock import zone
from hall.engine.ratings import SATISFIED
from hall.engine.ratings import levels
from hall.models import Centre
from hall.models import Counter
from hall.models import Field
from hall.models import Rating
from hall.models import Ticket
from hall.models import User
from hall.models.vocabulary import TicketStatus


def durations(values: list[float]) -> dict[str, float | None]:
    """Average, median and 90th percentile (linear between ranks), in seconds."""
    if not values:
        return {"avg": None, "p50": None, "p90": None}
    ordered = sorted(values)
    p90 = ordered[0] if len(ordered) == 1 else statistics.quantiles(
        ordered, n=10, method="inclusive")[8]
    return {
        "avg": round(statistics.fmean(ordered), 1),
        "p50": round(statistics.median(ordered), 1),
        "p90": round(p90, 1),
    }


def _keys(session: Session, centre: Centre, by: str) -> dict[int, str]:
    """Id → key label for field, counter and officer groupings."""
    if by == "field":
        rows = session.execute(select(Field.id, Field.code).where(Field.centre_id == centre.id))
    elif by == "counter":
        rows = session.execute(
            select(Counter.id, Counter.number).where(Counter.centre_id == centre.id)
        )
    elif by == "officer":
        rows = session.execute(select(User.id, User.username).where(User.centre_id == centre.id))
    else:
        return {}
    return {ident: label for ident, label in rows}


class _Row:
    def __init__(self) -> None:
        self.issued = self.served = self.no_show = 0
        self.waits: list[float] = []
        self.services: list[float] = []
        self.levels: dict[str, int] = defaultdict(int)


def _group(ticket: Ticket, by: str, labels: dict[int, str], tz: str) -> Any:
    if by == "field":
        return labels.get(ticket.field_id)
    if by == "counter":
        return labels.get(ticket.counter_id) if ticket.counter_id else None
    if by == "officer":
        return labels.get(ticket.officer_id) if ticket.officer_id else None
    if by == "day":
        return ticket.service_day.isoformat()
    return ticket.issued_at.astimezone(zone(tz)).hour


def _tally(row: _Row, ticket: Ticket) -> None:
    if ticket.transferred_from_id is None:
        row.issued += 1
    if ticket.called_at is not None:
        row.waits.append((ticket.called_at - ticket.issued_at).total_seconds())
    if ticket.status == TicketStatus.DONE and ticket.finished_at is not None:
        row.served += 1
        begun = ticket.started_at or ticket.called_at or ticket.issued_at
        row.services.append((ticket.finished_at - begun).total_seconds())
    elif ticket.status == TicketStatus.NO_SHOW:
        row.no_show += 1


def report(session: Session, centre: Centre, first: date, last: date, by: str
           ) -> list[dict[str, Any]]:
    """One row per group of the tickets whose service day lies in [first, last]."""
    tickets: Iterable[Ticket] = session.scalars(
        select(Ticket).where(Ticket.centre_id == centre.id, Ticket.service_day >= first,
                             Ticket.service_day <= last)
        .execution_options(yield_per=2000)
    )  # fmt: skip
    labels = _keys(session, centre, by)
    rows: dict[Any, _Row] = defaultdict(_Row)
    by_ticket: dict[int, Any] = {}
    for ticket in tickets:
        key = _group(ticket, by, labels, centre.timezone)
        by_ticket[ticket.id] = key
        if key is not None:
            _tally(rows[key], ticket)
    ratings: Iterable[tuple[int, str]] = session.execute(
        select(Rating.ticket_id, Rating.level).where(Rating.centre_id == centre.id,
                                                     Rating.ticket_id.in_(list(by_ticket)))
    ) if by_ticket else []  # fmt: skip
    for ticket_id, level in ratings:
        key = by_ticket.get(ticket_id)
        if key is not None:
            rows[key].levels[level] += 1
    return [_row_json(key, rows[key], centre) for key in sorted(rows)]


def _row_json(key: Any, row: _Row, centre: Centre) -> dict[str, Any]:
    count = sum(row.levels.values())
    satisfied = sum(row.levels[level] for level in SATISFIED)
    return {
        "key": key,
        "issued": row.issued,
        "served": row.served,
        "no_show": row.no_show,
        "wait_s": durations(row.waits),
        "service_s": durations(row.services),
        "ratings": {
            "count": count,
            "by_level": {level: row.levels[level] for level in levels(centre)},
            "satisfied_pct": round(100 * satisfied / count, 1) if count else None,
        },
    }


def empty_row(key: Any, centre: Centre) -> dict[str, Any]:
    """The row of a group with no tickets yet."""
    return _row_json(key, _Row(), centre)


def counter_today(session: Session, centre: Centre, counter_number: int, day: date
                  ) -> dict[str, Any]:
    """One counter's figures for one service day (the console's "today" panel)."""
    rows = {row["key"]: row for row in report(session, centre, day, day, "counter")}
    return rows.get(counter_number) or empty_row(counter_number, centre)
