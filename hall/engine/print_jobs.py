"""Use cases on print jobs; they never print or commit (see hall.web.print_worker for that)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.engine import events
from hall.engine import lines
from hall.engine.clock import local_iso
from hall.engine.errors import Conflict
from hall.engine.tickets import get_ticket
from hall.models import Centre
from hall.models import Device
from hall.models import PrintJob
from hall.models import Ticket
from hall.models.procedure import Procedure
from hall.models.vocabulary import PrintStatus
from hall.models.vocabulary import TicketStatus
from printer.ticket import ProcedureTicket
from printer.ticket import TicketDescription
from printer.ticket import ticket_logo

MAX_ATTEMPTS = 5
PAPERS_PRINTED = 5  # checklist lines on a ticket, at most (the last may count the rest)


def queue_job(session: Session, ticket: Ticket, device: Device, now: datetime,
              base_url: str) -> PrintJob | None:
    """A pending job for a kiosk that has a printer; None when it has none."""
    if device.kind != "kiosk" or device.printer == "none":
        return None
    job = PrintJob(ticket_id=ticket.id, device_id=device.id, status=PrintStatus.PENDING,
                   base_url=base_url.rstrip("/"), created_at=now, updated_at=now)
    session.add(job)
    session.flush()
    events.record(session, events.PrintQueued(job.id))
    return job


def reprint(session: Session, centre_id: int, ticket_id: int, now: datetime,
            base_url: str) -> PrintJob:
    """Print a ticket again on the printer of the kiosk that issued it."""
    ticket = get_ticket(session, centre_id, ticket_id)
    device = session.get(Device, ticket.device_id) if ticket.device_id else None
    job = queue_job(session, ticket, device, now, base_url) if device else None
    if job is None:
        raise Conflict("Số này không được lấy từ ki-ốt có máy in", "no_printer")
    return job


def describe(session: Session, job: PrintJob, width: int, now: datetime) -> TicketDescription:
    """What to print for the job, as `printer/` wants it."""
    ticket = session.get_one(Ticket, job.ticket_id)
    centre = session.get_one(Centre, ticket.centre_id)
    ahead = lines.waiting_ahead(session, ticket) if ticket.status == TicketStatus.WAITING else 0
    wait_s = lines.estimated_wait_s(session, ticket, ahead, centre, now) if ahead else 0
    label = None
    if ticket.priority:
        label = PRIORITY_LABELS.get(ticket.priority_category or "", "Ưu tiên")
    plain = TicketDescription(
        centre=centre.name, field=ticket.field.name, number=ticket.number,
        issued_at=printed_time(ticket.issued_at, centre.timezone),
        waiting_ahead=ahead, estimated_wait_min=-(-wait_s // 60),
        track_url=f"{job.base_url}/t/{ticket.tracking_token}" if job.base_url else "",
        priority_label=label,
        header=centre.ticket_header, footer=centre.ticket_footer, width=width,
        logo_png=printed_logo(session, centre.id),
    )  # fmt: skip
    # The procedure only when the centre prints it: otherwise the ticket (and the agent's
    # payload) is exactly what it always was.
    procedure = (session.get(Procedure, ticket.procedure_id)
                 if centre.print_procedure and ticket.procedure_id else None)
    if procedure is None:
        return plain
    return ProcedureTicket(**vars(plain), procedure=procedure.name,
                           papers=checklist(procedure.papers or []))


def checklist(papers: list[dict[str, Any]]) -> tuple[str, ...]:
    """A procedure's papers as a ticket lists them to tick off, "☐ Tờ khai (bản chính)":
    five lines at most, the last counting the others when there are more."""
    rows = []
    for paper in papers:
        copies = int(paper.get("copies") or 1)
        kind = "bản chính" if paper.get("original") else "bản sao"
        rows.append(f"☐ {paper['name']} ({f'{copies} ' if copies > 1 else ''}{kind})")
    if len(rows) > PAPERS_PRINTED:
        others = len(rows) - (PAPERS_PRINTED - 1)
        rows = [*rows[:PAPERS_PRINTED - 1], f"… và {others} giấy tờ khác"]
    return tuple(rows)


def printed_logo(session: Session, centre_id: int) -> bytes | None:
    """The centre's logo as tickets print it (small, grey; made once per logo), or None: a
    logo that cannot be read never stops a ticket from printing. Read by its own query: the
    column is deferred, and the request's centre may be a remembered copy."""
    logo = session.scalar(select(Centre.logo).where(Centre.id == centre_id))
    try:
        return ticket_logo(logo) if logo else None
    except (OSError, ValueError, SyntaxError):
        return None


def printed_time(moment: datetime, timezone: str) -> str:
    """A time as a ticket prints it, in the centre's time zone: "09:05 02/03/2026"."""
    shown = local_iso(moment, timezone) or ""
    return f"{shown[11:16]} {shown[8:10]}/{shown[5:7]}/{shown[:4]}"


PRIORITY_LABELS = {
    "elderly": "Người cao tuổi", "pregnant": "Phụ nữ mang thai",
    "disabled": "Người khuyết tật", "merit": "Người có công",
}  # fmt: skip
PRIORITY_LABELS_EN = {
    "elderly": "Elderly", "pregnant": "Pregnant", "disabled": "Disability",
    "merit": "People with merit",
}  # fmt: skip


def finish_job(session: Session, job: PrintJob, now: datetime, error: str | None,
               printer_state: str) -> None:
    """Record one attempt's outcome on the job and on its kiosk's printer state."""
    job.attempts += 1
    job.updated_at = now
    if error is None:
        job.status, job.printed_at, job.last_error = PrintStatus.PRINTED, now, ""
    else:
        job.last_error = error[:300]
        job.status = PrintStatus.ABANDONED if job.attempts >= MAX_ATTEMPTS else PrintStatus.FAILED
    device = session.get_one(Device, job.device_id)
    device.printer_state, device.printer_checked_at = printer_state, now


def due_jobs(session: Session) -> list[int]:
    """Failed jobs worth another attempt: their ticket still waits to be called."""
    statement = (
        select(PrintJob.id)
        .join(Ticket, Ticket.id == PrintJob.ticket_id)
        .where(PrintJob.status == PrintStatus.FAILED, Ticket.status == TicketStatus.WAITING)
        .order_by(PrintJob.id)
    )
    return list(session.scalars(statement))
