"""The manager's live dashboard: the hall now (who waits, for how long, which counters work)
and today's figures, in one answer the page redraws from after each event it hears."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.engine import lines
from hall.engine.clock import service_day
from hall.engine.clock import zone
from hall.models import Centre
from hall.models import Ticket
from hall.models.vocabulary import TicketStatus
from hall.read import serialize
from hall.read import stats


def _oldest_waiting(session: Session, centre: Centre, day: date) -> dict[int, datetime]:
    """Per field, the first issue time of its longest-waiting ticket today (a transferred
    ticket keeps the citizen's first issue time)."""
    rows = session.execute(
        select(Ticket.field_id, func.min(Ticket.queued_at))
        .where(Ticket.centre_id == centre.id, Ticket.service_day == day,
               Ticket.status == TicketStatus.WAITING)
        .group_by(Ticket.field_id))
    return {field_id: issued for field_id, issued in rows}


def snapshot(session: Session, centre: Centre, now: datetime) -> dict[str, Any]:
    day = service_day(now, centre.timezone)
    oldest = _oldest_waiting(session, centre, day)
    fields = []
    for field, waiting in lines.fields_with_counts(session, centre.id):
        first = oldest.get(field.id)
        longest = max(0, round((now - first).total_seconds())) if first and waiting else None
        fields.append({
            "code": field.code, "name": field.name, "name_en": field.name_en,
            "waiting": waiting, "longest_wait_s": longest, "target_wait_s": field.target_wait_s,
            "over_target": longest is not None and longest > field.target_wait_s,
        })
    queue = serialize.queue_json(session, centre, now, public=False)
    counters = [{
        "number": c["number"], "name": c["name"], "state": c["state"],
        "pause_reason": c["pause_reason"], "officer": c["officer"], "fields": c["fields"],
        "ticket": ({"number": c["ticket"]["number"], "status": c["ticket"]["status"],
                    "field": c["ticket"]["field"]["code"],
                    "since": c["ticket"]["started_at"] or c["ticket"]["called_at"]}
                   if c["ticket"] else None),
    } for c in queue["counters"]]
    rows = stats.report(session, centre, day, day, "day")
    today = rows[0] if rows else stats.empty_row(day.isoformat(), centre)
    return {
        "at": now.astimezone(zone(centre.timezone)).isoformat(timespec="seconds"),
        "day": day.isoformat(),
        "fields": fields,
        "counters": counters,
        "today": {
            "issued": today["issued"], "served": today["served"], "no_show": today["no_show"],
            "waiting": sum(f["waiting"] for f in fields),
            "wait_s": today["wait_s"], "service_s": today["service_s"],
            "ratings": today["ratings"]["count"],
            "satisfied_pct": today["ratings"]["satisfied_pct"],
        },
        "warnings": [f["code"] for f in fields if f["over_target"]],
    }


def arrivals(session: Session, centre: Centre, first: date, last: date) -> dict[str, Any]:
    """Tickets issued by citizens (not transfer copies) by ISO weekday (rows, Monday first)
    and hour of day (columns) in the centre's time zone, for the reports' heat map."""
    local = zone(centre.timezone)
    matrix = [[0] * 24 for _ in range(7)]
    days: defaultdict[int, set[date]] = defaultdict(set)
    issued = session.execute(
        select(Ticket.issued_at, Ticket.service_day)
        .where(Ticket.centre_id == centre.id, Ticket.service_day >= first,
               Ticket.service_day <= last, Ticket.transferred_from_id.is_(None))
        .execution_options(yield_per=5000))
    for moment, day in issued:
        shown = moment.astimezone(local)
        matrix[shown.weekday()][shown.hour] += 1
        days[shown.weekday()].add(day)
    return {"from": first.isoformat(), "to": last.isoformat(), "matrix": matrix,
            "days": [len(days[weekday]) for weekday in range(7)]}

