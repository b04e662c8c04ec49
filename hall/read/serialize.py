"""Plain JSON shapes of docs/api.md, built from models; shared by HTTP and Socket.IO."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from hall.engine import lines
from hall.engine import tickets
from hall.engine.clock import local_iso
from hall.models import Centre
from hall.models import Counter
from hall.models import Device
from hall.models import Field
from hall.models import Procedure
from hall.models import Rating
from hall.models import Ticket
from hall.models import User
from hall.models.vocabulary import TicketStatus


def ticket_json(session: Session, ticket: Ticket, centre: Centre, now: datetime,
                estimate: bool = True) -> dict[str, Any]:
    """A ticket as `GET /api/v1/tickets/{id}` answers it (lists leave out the estimates)."""
    tz = centre.timezone
    ahead = wait = None
    if ticket.status == TicketStatus.WAITING and estimate:
        ahead = lines.waiting_ahead(session, ticket)
        wait = lines.estimated_wait_s(session, ticket, ahead, centre, now)
    return {
        **public_ticket_json(ticket, centre),
        "priority_category": ticket.priority_category,
        "source": ticket.source,
        "issued_at": local_iso(ticket.issued_at, tz),
        "started_at": local_iso(ticket.started_at, tz),
        "finished_at": local_iso(ticket.finished_at, tz),
        "waiting_ahead": ahead,
        "estimated_wait_s": wait,
        "track_url": f"/t/{ticket.tracking_token}",
        "transferred_from": ticket.transferred_from_id,
        "records": tickets.records_of(session, ticket),
        "procedure": procedure_ref(session, ticket.procedure_id),
    }


def procedure_ref(session: Session, procedure_id: int | None) -> dict[str, Any] | None:
    """The procedure a ticket is for, as the whole ticket names it (the public ticket does
    not: what a citizen came for is theirs)."""
    if procedure_id is None:
        return None
    procedure = session.get(Procedure, procedure_id)
    if procedure is None:
        return None
    return {"id": procedure.id, "name": procedure.name, "name_en": procedure.name_en}


def procedure_json(procedure: Procedure) -> dict[str, Any]:
    """A procedure as `GET /api/v1/procedures` lists it."""
    field = procedure.field
    return {
        "id": procedure.id,
        "field": {"code": field.code, "name": field.name, "name_en": field.name_en},
        "code": procedure.code, "name": procedure.name, "name_en": procedure.name_en,
        "level": procedure.level, "time_limit": procedure.time_limit,
        "fees": procedure.fee_vnd, "fee_note": procedure.fee_note,
        "papers": [{"name": p["name"], "original": bool(p.get("original")),
                    "copies": int(p.get("copies") or 1)} for p in procedure.papers or []],
        "online": procedure.online, "portal_url": procedure.portal_url,
        "visible": procedure.visible,
    }


def public_ticket_json(ticket: Ticket, centre: Centre) -> dict[str, Any]:
    """The public ticket: what a hall's screens, devices and other citizens may see of a
    ticket (no tracking link, no record codes, no times but the call's); the whole ticket
    (`ticket_json`) begins with it."""
    return {
        "id": ticket.id,
        "number": ticket.number,
        "field": {"code": ticket.field.code, "name": ticket.field.name, "name_en": ticket.field.name_en},
        "status": ticket.status,
        "priority": ticket.priority,
        "counter": ticket.counter.number if ticket.counter else None,
        "called_at": local_iso(ticket.called_at, centre.timezone),
    }


def ticket_for(session: Session, ticket: Ticket, centre: Centre, now: datetime,
               public: bool, estimate: bool = True) -> dict[str, Any]:
    """The public ticket, or the whole one."""
    if public:
        return public_ticket_json(ticket, centre)
    return ticket_json(session, ticket, centre, now, estimate)


def officer_json(user: User | None) -> dict[str, Any] | None:
    return {"username": user.username, "full_name": user.full_name} if user else None


def counter_brief(counter: Counter) -> dict[str, Any]:
    return {"number": counter.number, "name": counter.name}


def counter_json(session: Session, counter: Counter, centre: Centre, now: datetime,
                 current: Ticket | None, public: bool = False) -> dict[str, Any]:
    return {
        **counter_brief(counter),
        "state": counter.state,
        "pause_reason": counter.pause_reason,
        "officer": officer_json(counter.officer),
        "fields": [field.code for field in counter.fields],
        "ticket": ticket_for(session, current, centre, now, public) if current else None,
    }


def field_json(field: Field, waiting: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": field.code, "name": field.name, "name_en": field.name_en, "icon": field.icon,
        "position": field.position, "prefix": field.prefix, "block_start": field.block_start,
        "block_end": field.block_end, "target_wait_s": field.target_wait_s,
        "daily_capacity": field.daily_capacity, "is_open": field.is_open,
    }  # fmt: skip
    if waiting is not None:
        body["waiting"] = waiting
    return body


def call_json(session: Session, ticket: Ticket, centre: Centre, now: datetime, recall: bool,
              at: datetime | None = None, public: bool = False) -> dict[str, Any]:
    """The payload of `ticket.called`, also one entry of `recent`."""
    assert ticket.counter is not None
    return {
        "ticket": ticket_for(session, ticket, centre, now, public),
        "counter": counter_brief(ticket.counter),
        "recall": recall,
        "at": local_iso(at or ticket.called_at, centre.timezone),
    }


def queue_json(session: Session, centre: Centre, now: datetime, public: bool = True
               ) -> dict[str, Any]:
    """The snapshot of `GET /api/v1/queue` and of the Socket.IO `state` event: with public
    tickets (`GET /queue`, devices, tracking pages) or whole ones (staff's `state`)."""
    # The counters first, with their fields in bulk: the tickets below find them loaded.
    counters = session.scalars(
        select(Counter).where(Counter.centre_id == centre.id).order_by(Counter.number)
        .options(selectinload(Counter.field_links))
    ).unique().all()
    active = lines.active_by_counter(session, centre.id)
    calls = lines.recent_calls(session, centre.id)
    if not public:
        tickets.preload_records(session, [*active.values(), *(ticket for _, ticket in calls)])
    recent = [
        call_json(session, ticket, centre, now, event.kind == "recalled", event.at, public)
        for event, ticket in calls
        if ticket.counter is not None
    ]
    return {
        "centre": {"code": centre.code, "name": centre.name},
        "fields": [
            {"code": f.code, "name": f.name, "waiting": n}
            for f, n in lines.fields_with_counts(session, centre.id)
        ],
        "counters": [
            counter_json(session, c, centre, now, active.get(c.id), public) for c in counters
        ],
        "recent": recent,
    }


def waiting_counts(session: Session, centre: Centre) -> list[dict[str, Any]]:
    """Per field, how many wait: what a hall display shows, carried by `ticket.called`."""
    return [{"code": f.code, "waiting": n} for f, n in lines.fields_with_counts(session, centre.id)]


def waiting_json(session: Session, centre: Centre, now: datetime) -> dict[str, Any]:
    """The payload of `queue.changed`: per field, the waiting count and what a kiosk shows on
    its tile (open, closed, full or outside hours, and the expected wait of a new ticket), so
    kiosks update from the event instead of each asking GET /fields."""
    availability = lines.field_availability(session, centre, now)
    return {
        "fields": [
            {"code": f.code, "waiting": n, "state": availability[f.id][0],
             "estimated_wait_s": availability[f.id][1]}
            for f, n in lines.fields_with_counts(session, centre.id)
        ]
    }


def user_json(user: User) -> dict[str, Any]:
    return {"username": user.username, "role": user.role, "full_name": user.full_name,
            "active": user.active, "all_centres": user.all_centres}


def device_json(device: Device, counter_number: int | None) -> dict[str, Any]:
    return {"id": device.id, "kind": device.kind, "name": device.name,
            "counter": counter_number, "printer": device.printer}


def rating_json(rating: Rating, centre: Centre) -> dict[str, Any]:
    return {"id": rating.id, "ticket": rating.ticket_id, "level": rating.level,
            "reasons": rating.reasons, "comment": rating.comment,
            "rated_at": local_iso(rating.rated_at, centre.timezone)}


