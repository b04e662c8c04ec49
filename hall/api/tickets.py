"""Ticket issue, lookup, cancel, the queue snapshot, and ratings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import jsonify
from flask import request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hall.api import schemas as s
from hall.api.common import now
from hall.api.common import public_url
from hall.api.spec import endpoint
from hall.engine import events
from hall.engine import issuing
from hall.engine import print_jobs
from hall.engine import procedures
from hall.engine import ratings
from hall.engine import text
from hall.engine import tickets
from hall.engine.auth import ANY
from hall.engine.auth import CITIZEN
from hall.engine.auth import USERS
from hall.engine.auth import Principal
from hall.engine.errors import AlreadyRated
from hall.engine.errors import Forbidden
from hall.engine.errors import Invalid
from hall.engine.errors import UnknownTicket
from hall.models import Centre
from hall.models.vocabulary import PrintStatus
from hall.read import serialize
from hall.web import announce
from hall.web.database import get_session

ISSUERS = USERS | {"kiosk"}


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key.strip()) <= 200:
        raise Invalid("Idempotency-Key phải dài từ 1 đến 200 ký tự", "invalid_idempotency_key")
    if key is not None and not text.is_clean(key.strip()):  # stored: PostgreSQL refuses NUL
        raise Invalid("Idempotency-Key không được chứa ký tự điều khiển", "invalid_idempotency_key")
    return key.strip() if key else None


def _source(principal: Principal) -> str:
    if principal.device is not None:
        return "kiosk"
    return "counter" if principal.via == "session" else "api"


@endpoint("/tickets", "POST", summary="Issue a ticket", roles=ISSUERS, body=s.TicketIn,
          responses={201: s.TicketOut, 200: s.TicketOut, 404: s.ErrorOut, 409: s.ErrorOut,
                     422: s.ErrorOut, 429: s.ErrorOut},
          headers=["Idempotency-Key"], limit="issue")
def issue_ticket(principal: Principal, body: s.TicketIn) -> Any:
    session, centre = get_session(), principal.centre
    field = body.field
    if body.procedure is not None:  # the procedure's field (a hidden one is not offered)
        # hidden ones too: a retry of a key answers its ticket (issuing refuses a new one)
        procedure = procedures.get(session, centre, body.procedure, hidden=True)
        if field is not None and field != procedure.field.code:
            raise Invalid("Thủ tục này thuộc lĩnh vực %(field)s, không phải %(given)s",
                          "procedure_field_mismatch", field=procedure.field.code, given=field)
        field = procedure.field.code
    assert field is not None
    asked = issuing.Request(
        field, _actor(principal), _source(principal), principal.credential,
        key=_idempotency_key(), priority=body.priority, category=body.priority_category,
        device=principal.device, base_url=public_url(), procedure=body.procedure,
        procedure_shown=procedure.visible if body.procedure is not None else True)
    session.connection()  # the write transaction first (SQLite: the write gate), then the
    moment = now()  # clock: tickets that wait for the gate are stamped in the order they go
    issued = _committed(session, centre, asked, moment)
    happened = events.take(session)  # taken at once: a failure below loses no print job
    answer = serialize.ticket_json(session, issued.ticket, centre, moment)
    announce.publish(session, centre, happened)
    if not issued.fresh:
        return jsonify(answer), 200
    answer["print"] = {"job": issued.job.id, "status": PrintStatus.PENDING} if issued.job else None
    return jsonify(answer), 201


def _committed(session: Session, centre: Centre, asked: issuing.Request, moment: datetime
               ) -> issuing.Issued:
    """Issue and commit; a commit that loses the Idempotency-Key's race to a twin request
    answers with the twin's ticket."""
    try:
        issued = issuing.issue_once(session, centre, asked, moment)
        session.commit()
        return issued
    except IntegrityError:
        session.rollback()
        twin = issuing.after_race(session, centre, asked, moment)
        if twin is None:
            raise
        return twin


def _actor(principal: Principal) -> tickets.Actor:
    return tickets.Actor(principal.user.id if principal.user else None,
                         principal.device.id if principal.device else None)


@endpoint("/tickets/<int:ticket_id>", "GET", summary="A ticket: whole for staff and for the "
          "ticket's own tracking token (any other ticket is 404 to it), public for devices",
          roles=ANY | {CITIZEN}, responses={200: s.AnyTicketOut, 404: s.ErrorOut})
def get_ticket(principal: Principal, ticket_id: int) -> Any:
    session = get_session()
    ticket = tickets.get_ticket(session, principal.centre.id, ticket_id)
    tracked = principal.ticket
    if tracked is not None and ticket.tracking_token != tracked.tracking_token:
        raise UnknownTicket()
    public = not (principal.sees_whole_tickets or tracked is not None)
    return jsonify(serialize.ticket_for(session, ticket, principal.centre, now(), public))


@endpoint("/tickets/<int:ticket_id>/cancel", "POST", summary="Cancel a waiting ticket",
          roles=USERS, responses={200: s.TicketOut, 404: s.ErrorOut, 409: s.ErrorOut})
def cancel_ticket(principal: Principal, ticket_id: int) -> Any:
    session, centre, moment = get_session(), principal.centre, now()
    officer = principal.officer()
    ticket = tickets.cancel(session, centre.id, ticket_id, now=moment,
                            actor=tickets.Actor(user_id=officer.id), user=officer)
    announce.commit(session, centre)
    return jsonify(serialize.ticket_json(session, ticket, centre, moment))


@endpoint("/tickets/<int:ticket_id>/reprint", "POST", summary="Print a ticket again",
          roles=USERS, responses={202: s.PrintOut, 404: s.ErrorOut, 409: s.ErrorOut})
def reprint_ticket(principal: Principal, ticket_id: int) -> Any:
    session = get_session()
    job = print_jobs.reprint(session, principal.centre.id, ticket_id, now(), public_url())
    announce.commit(session, principal.centre)
    return jsonify({"job": job.id, "status": job.status}), 202


@endpoint("/tickets/<int:ticket_id>/records", "POST",
          summary="Attach record codes (mã hồ sơ) of the procedure system", roles=USERS,
          body=s.RecordsIn, responses={200: s.TicketOut, 404: s.ErrorOut, 409: s.ErrorOut})
def add_records(principal: Principal, ticket_id: int, body: s.RecordsIn) -> Any:
    session, centre, moment = get_session(), principal.centre, now()
    ticket = tickets.add_records(session, centre.id, ticket_id, body.codes, now=moment,
                                 user=principal.officer())
    announce.commit(session, centre)
    return jsonify(serialize.ticket_json(session, ticket, centre, moment))


@endpoint("/tickets/<int:ticket_id>", "PATCH", summary="Name the procedure a ticket is for "
          "(one of its field; null for none)", roles=USERS, body=s.TicketPatch,
          responses={200: s.TicketOut, 404: s.ErrorOut, 409: s.ErrorOut})
def change_ticket(principal: Principal, ticket_id: int, body: s.TicketPatch) -> Any:
    session, centre, moment = get_session(), principal.centre, now()
    ticket = tickets.set_procedure(session, centre.id, ticket_id, body.procedure,
                                   principal.officer())
    announce.commit(session, centre)
    return jsonify(serialize.ticket_json(session, ticket, centre, moment))


@endpoint("/tickets/<int:ticket_id>/records/<code>", "DELETE", summary="Remove a record code",
          roles=USERS, responses={200: s.TicketOut, 404: s.ErrorOut})
def remove_record(principal: Principal, ticket_id: int, code: str) -> Any:
    session, centre, moment = get_session(), principal.centre, now()
    ticket = tickets.remove_record(session, centre.id, ticket_id, code, principal.officer())
    announce.commit(session, centre)
    return jsonify(serialize.ticket_json(session, ticket, centre, moment))


@endpoint("/queue", "GET", summary="The hall's queue now", roles=ANY,
          responses={200: s.QueueOut})
def get_queue(principal: Principal) -> Any:
    return jsonify(serialize.queue_json(get_session(), principal.centre, now()))


@endpoint("/ratings", "POST", summary="Rate a finished service: a tablet of the counter that "
          "served it, or the ticket's own tracking token (the citizen's phone; any other "
          "ticket is 404 to it)", roles=frozenset({"tablet", CITIZEN}), body=s.RatingIn,
          responses={201: s.RatingOut, 404: s.ErrorOut, 409: s.ErrorOut})
def create_rating(principal: Principal, body: s.RatingIn) -> Any:
    session, centre = get_session(), principal.centre
    if principal.device is None and principal.ticket is None:
        raise Forbidden()
    rating = ratings.rate(session, centre, body.ticket, body.level, body.reasons, body.comment,
                          now(), tablet=principal.device, tracked=principal.ticket)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise AlreadyRated() from None
    return jsonify(serialize.rating_json(rating, centre)), 201
