"""After the commit: print jobs in the background, report to the kiosk, retry failures."""

from __future__ import annotations

import base64
import logging
import threading
from dataclasses import asdict
from datetime import datetime
from typing import Any

from flask import Flask
from flask import request
from flask_socketio import emit
from flask_socketio import join_room
from sqlalchemy import select

from hall.engine import print_jobs
from hall.engine.clock import app_now
from hall.engine.errors import Conflict
from hall.engine.errors import NotFound
from hall.models import Device
from hall.models import PrintJob
from hall.models.vocabulary import PrintStatus
from hall.store.db import end
from hall.store.db import session_scope
from hall.store.db import write
from hall.web import metrics
from hall.web.sockets import agent_room
from hall.web.sockets import kiosk_room
from hall.web.sockets import socketio
from printer import transport
from printer.ticket import render

logger = logging.getLogger(__name__)
RETRY_S = 10.0
_retrying: set[int] = set()  # id(app) of apps whose retry loop runs
_lock = threading.Lock()


def dispatch(app: Flask, job_id: int) -> None:
    """Print the job without holding up the request that made it."""
    socketio.start_background_task(attempt, app, job_id)
    _ensure_retry_loop(app)


def attempt(app: Flask, job_id: int) -> str:
    """One try at a job; returns its status afterwards. The ticket is read and drawn in a
    read transaction; the printer is driven with none open; the outcome is a short write."""
    with session_scope(app) as session:
        job = session.get(PrintJob, job_id)
        if job is None or job.status in (PrintStatus.PRINTED, PrintStatus.ABANDONED):
            return job.status if job else "missing"
        device = session.get_one(Device, job.device_id)
        if device.printer == "agent":
            payload = _agent_job(session, job, app_now(app.config))
            end(session)
            _offer_to_agent(payload, device.id)
            return job.status
        width = app.config.get("TICKET_WIDTH", 576)
        image = render(print_jobs.describe(session, job, width, app_now(app.config)))
        end(session)
        error, state = _print(image, device.printer, app.config.get("PRINT_TIMEOUT_S", 8))
        if error is not None:
            metrics.print_failed("server")
        write(session)
        job = session.get_one(PrintJob, job_id, populate_existing=True)
        device = session.get_one(Device, job.device_id)
        print_jobs.finish_job(session, job, app_now(app.config), error, state)
        session.commit()
        _report(job, device)
        return job.status


def test_print(app: Flask, centre: Any, device_id: int) -> tuple[str | None, str]:
    """Print a sample ticket on a kiosk's printer now (the administration's test button):
    (error or None, the printer's state), recorded on the device. The printer is driven with
    no transaction open."""
    from printer.ticket import TicketDescription

    moment = app_now(app.config)
    with session_scope(app) as session:
        device = session.get(Device, device_id) if 1 <= device_id <= 2**31 - 1 else None
        if device is None or device.centre_id != centre.id or device.revoked_at is not None:
            raise NotFound("Không có thiết bị này", "unknown_device")
        if device.kind != "kiosk" or device.printer == "none":
            raise Conflict("Thiết bị này không có máy in", "no_printer")
        if device.printer == "agent":
            raise Conflict("Máy in nối qua máy tính ki-ốt: hãy in thử từ máy tính đó",
                           "printer_is_agent")
        address = device.printer
        logo = print_jobs.printed_logo(session, centre.id)
        end(session)
        sample = TicketDescription(
            centre=centre.name, field="VÉ IN THỬ · TEST PRINT", number="A000",
            issued_at=print_jobs.printed_time(moment, centre.timezone),
            waiting_ahead=0, estimated_wait_min=0, track_url="", header=centre.ticket_header,
            footer=centre.ticket_footer, width=app.config.get("TICKET_WIDTH", 576),
            logo_png=logo)
        error, state = _print(render(sample), address, app.config.get("PRINT_TIMEOUT_S", 8))
        write(session)
        device = session.get_one(Device, device_id, populate_existing=True)
        device.printer_state, device.printer_checked_at = state, moment
        session.commit()
    return error, state


def _print(image: Any, address: str, timeout: float) -> tuple[str | None, str]:
    try:
        return None, transport.send(image, address, timeout=timeout)
    except transport.PrintFailed as exc:
        return str(exc), exc.state
    except ValueError as exc:
        return str(exc), "unknown"


def _report(job: PrintJob, device: Device) -> None:
    payload = {"job": job.id, "ticket": job.ticket_id, "status": job.status,
               "attempts": job.attempts, "error": job.last_error,
               "printer_state": device.printer_state}
    try:
        socketio.emit("print.updated", payload, to=kiosk_room(device.id))
    except Exception:
        logger.exception("could not report print job %s", job.id)


def _agent_job(session: Any, job: PrintJob, now: datetime) -> dict[str, Any]:
    """The `print.job` payload: the ticket description; the agent renders it at its width.
    The logo travels beside it in base64, and the procedure with its checklist (when the
    centre prints them) as `procedure: {name, papers}`: an agent older than them ignores
    them and prints the rest, where an unknown key in `ticket` would fail the job."""
    ticket = asdict(print_jobs.describe(session, job, 576, now))
    logo = ticket.pop("logo_png")
    payload: dict[str, Any] = {"job": job.id, "ticket": ticket}
    if logo:
        payload["logo_png"] = base64.b64encode(logo).decode("ascii")
    if "procedure" in ticket:  # beside the ticket too, for the same reason as the logo
        payload["procedure"] = {"name": ticket.pop("procedure"), "papers": ticket.pop("papers")}
    return payload


def _offer_to_agent(payload: dict[str, Any], device_id: int) -> None:
    """Agents print on the kiosk PC: send them the job; they acknowledge with print.ack."""
    socketio.emit("print.job", payload, to=agent_room(device_id))


def agent_jobs(session: Any, device: Device, now: datetime) -> list[dict[str, Any]]:
    """The `print.job` payloads of every unprinted job of a kiosk, oldest first."""
    return [_agent_job(session, job, now) for job in session.scalars(select(PrintJob).where(
            PrintJob.device_id == device.id, PrintJob.status.in_((PrintStatus.PENDING, PrintStatus.FAILED)))
            .order_by(PrintJob.id))]  # fmt: skip


def agent_joined(device_id: int, jobs: list[dict[str, Any]]) -> None:
    """In the connect handler of a kiosk's print agent, with no transaction open: join, then
    resend every unprinted job (the agent skips those it already printed)."""
    _agents[request.sid] = device_id  # type: ignore[attr-defined]
    join_room(agent_room(device_id))
    for payload in jobs:
        emit("print.job", payload)




_agents: dict[str, int] = {}  # Socket.IO sid -> kiosk device id, for acknowledgements


def agent_of(sid: str) -> int | None:
    """The kiosk whose print agent is connected as this Socket.IO client, if any."""
    return _agents.get(sid)


def agent_left(sid: str) -> None:
    _agents.pop(sid, None)


def acknowledged(app: Flask, device_id: int, data: dict[str, Any]) -> None:
    """An agent printed a job (ok) or could not (error); record it like a local attempt."""
    job_id = data.get("job")
    if type(job_id) is not int or not 1 <= job_id <= 2**31 - 1:
        return
    with session_scope(app, writing=True) as session:
        job = session.get(PrintJob, job_id)
        if job is None or job.device_id != device_id or job.status == PrintStatus.PRINTED:
            return
        error = None if data.get("ok") is True else _clean(data.get("error") or "agent failed", 300)
        if error is not None:
            metrics.print_failed("agent")
        state = _clean(data.get("printer_state") or ("online" if error is None else "offline"), 16)
        print_jobs.finish_job(session, job, app_now(app.config), error, state)
        session.commit()
        device = session.get_one(Device, device_id)
        end(session)
        _report(job, device)


def _clean(value: Any, limit: int) -> str:
    """An agent's text as the database takes it: no control characters, bounded."""
    return "".join(ch for ch in str(value) if ch.isprintable())[:limit] or "?"


def _ensure_retry_loop(app: Flask) -> None:
    with _lock:
        if id(app) in _retrying:
            return
        _retrying.add(id(app))
    socketio.start_background_task(_retry_loop, app)


def _retry_loop(app: Flask) -> None:
    while True:
        socketio.sleep(app.config.get("PRINT_RETRY_S", RETRY_S))
        try:
            with session_scope(app) as session:
                due = print_jobs.due_jobs(session)
            for job_id in due:
                attempt(app, job_id)
        except Exception:
            logger.exception("print retry round failed")
