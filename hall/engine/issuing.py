"""The kiosk's use case: a ticket for a field, once per Idempotency-Key, with its print job.
It never commits: the caller commits, and on a commit that loses the key's race (a twin
request with the same key committed first) asks `after_race` for the twin's ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from hall.engine import print_jobs
from hall.engine import tickets
from hall.engine.errors import KeyReused
from hall.engine.procedures import UnknownProcedure
from hall.models import Centre
from hall.models import Device
from hall.models import PrintJob
from hall.models import Ticket


@dataclass(frozen=True)
class Request:
    """What a kiosk, an officer or an integration asked for."""

    field: str
    actor: tickets.Actor
    source: str
    credential: str
    key: str | None = None  # the Idempotency-Key header
    priority: bool = False
    category: str | None = None
    device: Device | None = None  # a kiosk with a printer gets a print job
    base_url: str = ""
    procedure: int | None = None  # the procedure asked for (its field is `field`)
    procedure_shown: bool = True  # a hidden procedure issues no new ticket


@dataclass(frozen=True)
class Issued:
    ticket: Ticket
    fresh: bool  # False: the same key had already produced this ticket today
    job: PrintJob | None = None


def issue_once(session: Session, centre: Centre, asked: Request, now: datetime) -> Issued:
    """The ticket this request's key already produced today, or a new one (remembered under
    the key, with a print job for a kiosk that has a printer)."""
    if asked.key and (seen := tickets.recall_key(session, asked.credential, asked.key, centre,
                                                  now)):
        return Issued(_same_request(session, seen, asked), fresh=False)
    if not asked.procedure_shown:
        raise UnknownProcedure()
    ticket = tickets.issue(session, centre, asked.field, now=now, actor=asked.actor,
                           source=asked.source, priority=asked.priority, category=asked.category,
                           procedure_id=asked.procedure)
    if asked.key:  # unique per credential and day: a concurrent twin fails here or at commit
        tickets.remember_key(session, asked.credential, asked.key, ticket)
    job = None
    if asked.device is not None and asked.device.printer != "none":
        job = print_jobs.queue_job(session, ticket, asked.device, now, asked.base_url)
    return Issued(ticket, fresh=True, job=job)


def after_race(session: Session, centre: Centre, asked: Request, now: datetime) -> Issued | None:
    """After a rolled-back commit that lost the key's race: the twin's ticket, if that was
    the race (None: it was something else, which the caller raises again)."""
    if not asked.key:
        return None
    seen = tickets.recall_key(session, asked.credential, asked.key, centre, now)
    return Issued(_same_request(session, seen, asked), fresh=False) if seen is not None else None


def _same_request(session: Session, seen: Ticket, asked: Request) -> Ticket:
    """The ticket a key produced, if this request asks for what that one asked; a key sent
    again with another field, priority or category is refused (422), never answered with a
    ticket the kiosk did not ask for."""
    field = tickets.field_by_id(session, seen.centre_id, seen.origin_field_id)
    priority = asked.priority or asked.category is not None  # as tickets.issue decides it
    # (not the procedure: an officer may have named another since, in the same field)
    if (field.code != asked.field or seen.priority != priority
            or seen.priority_category != asked.category):
        raise KeyReused()
    return seen
