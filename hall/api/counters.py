"""Counter actions of the officer at it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import jsonify
from sqlalchemy.orm import Session

from hall.api import schemas as s
from hall.api.common import now
from hall.api.spec import endpoint
from hall.engine import counters
from hall.engine.auth import USERS
from hall.engine.auth import Principal
from hall.engine.clock import service_day
from hall.models import Ticket
from hall.models import User
from hall.read import serialize
from hall.read import stats
from hall.web import announce
from hall.web.database import get_session

TICKET = {200: s.TicketOut, 404: s.ErrorOut, 409: s.ErrorOut}
COUNTER = {200: s.CounterOut, 404: s.ErrorOut, 409: s.ErrorOut}


def _counter_answer(session: Session, principal: Principal, number: int) -> Any:
    """Commit, announce, and answer with the counter's new state."""
    announce.commit(session, principal.centre)
    counter = counters.find_counter(session, principal.centre.id, number)
    current = counters.current_ticket(session, counter)
    return jsonify(serialize.counter_json(session, counter, principal.centre, now(), current))


@endpoint("/counters/<int:number>/open", "POST", summary="Take the counter", roles=USERS,
          responses=COUNTER)
def open_counter(principal: Principal, number: int) -> Any:
    session = get_session()
    counters.open_counter(session, principal.centre.id, number, principal.officer(), now())
    return _counter_answer(session, principal, number)


@endpoint("/counters/<int:number>/close", "POST", summary="Leave the counter", roles=USERS,
          responses=COUNTER)
def close_counter(principal: Principal, number: int) -> Any:
    session = get_session()
    counters.close_counter(session, principal.centre.id, number, principal.officer(), now())
    return _counter_answer(session, principal, number)


@endpoint("/counters/<int:number>/call-next", "POST", summary="Call the next ticket",
          roles=USERS, responses={**TICKET, 204: None})
def call_next(principal: Principal, number: int) -> Any:
    session, centre, moment = get_session(), principal.centre, now()
    ticket = counters.call_next(session, centre.id, number, principal.officer(), moment)
    announce.commit(session, centre)
    if ticket is None:
        return "", 204
    return jsonify(serialize.ticket_json(session, ticket, centre, moment))


Step = Callable[[Session, int, int, User, datetime], Ticket]


def _step(principal: Principal, number: int, action: Step) -> tuple[Session, Ticket]:
    session = get_session()
    ticket = action(session, principal.centre.id, number, principal.officer(), now())
    announce.commit(session, principal.centre)
    return session, ticket


def _updated(session: Session, principal: Principal, ticket: Ticket) -> Any:
    return jsonify(serialize.ticket_json(session, ticket, principal.centre, now()))


@endpoint("/counters/<int:number>/recall", "POST", summary="Call the current ticket again",
          roles=USERS, responses=TICKET)
def recall(principal: Principal, number: int) -> Any:
    session, ticket = _step(principal, number, counters.recall)
    return _updated(session, principal, ticket)


@endpoint("/counters/<int:number>/start", "POST", summary="Start serving the current ticket",
          roles=USERS, responses=TICKET)
def start(principal: Principal, number: int) -> Any:
    session, ticket = _step(principal, number, counters.start)
    return _updated(session, principal, ticket)


@endpoint("/counters/<int:number>/finish", "POST", summary="Finish the current ticket",
          roles=USERS, responses=TICKET)
def finish(principal: Principal, number: int) -> Any:
    session, ticket = _step(principal, number, counters.finish)
    return _updated(session, principal, ticket)


@endpoint("/counters/<int:number>/no-show", "POST", summary="The citizen did not come",
          roles=USERS, responses=TICKET)
def no_show(principal: Principal, number: int) -> Any:
    session, ticket = _step(principal, number, counters.no_show)
    return _updated(session, principal, ticket)


@endpoint("/counters/<int:number>/transfer", "POST", summary="Send the current ticket on",
          roles=USERS, body=s.TransferIn, responses=TICKET)
def transfer(principal: Principal, number: int, body: s.TransferIn) -> Any:
    session, centre, moment = get_session(), principal.centre, now()
    old, new = counters.transfer(session, centre.id, number, principal.officer(), moment,
                                 field_code=body.field, counter_number=body.counter)
    announce.commit(session, centre)
    return jsonify(serialize.ticket_json(session, new, centre, moment))


@endpoint("/counters/<int:number>/pause", "POST", summary="Pause the counter, with a reason",
          roles=USERS, body=s.PauseIn, responses=COUNTER)
def pause(principal: Principal, number: int, body: s.PauseIn) -> Any:
    session = get_session()
    counters.pause(session, principal.centre.id, number, principal.officer(), body.reason.strip(),
                   now())
    return _counter_answer(session, principal, number)


@endpoint("/counters/<int:number>/resume", "POST", summary="Resume a paused counter",
          roles=USERS, responses=COUNTER)
def resume(principal: Principal, number: int) -> Any:
    session = get_session()
    counters.resume(session, principal.centre.id, number, principal.officer(), now())
    return _counter_answer(session, principal, number)


@endpoint("/counters/<int:number>/call", "POST", summary="Call a given waiting number",
          roles=USERS, body=s.CallNumberIn, responses=TICKET)
def call_number(principal: Principal, number: int, body: s.CallNumberIn) -> Any:
    session, centre, moment = get_session(), principal.centre, now()
    ticket = counters.call_number(session, centre.id, number, principal.officer(), body.number,
                                  moment, service_day(moment, centre.timezone))
    announce.commit(session, centre)
    return jsonify(serialize.ticket_json(session, ticket, centre, moment))


@endpoint("/counters/<int:number>/waiting", "GET", summary="Who waits for this counter, in call order",
          roles=USERS, responses={200: [s.TicketOut], 404: s.ErrorOut})
def waiting(principal: Principal, number: int) -> Any:
    session, centre, moment = get_session(), principal.centre, now()
    found = counters.waiting_for(session, centre.id, number)
    return jsonify([serialize.ticket_json(session, ticket, centre, moment, estimate=False)
                    for ticket in found])


@endpoint("/counters/<int:number>/today", "GET", summary="Today's figures for this counter",
          roles=USERS, responses={200: s.StatsRow, 404: s.ErrorOut})
def today(principal: Principal, number: int) -> Any:
    session, centre = get_session(), principal.centre
    counter = counters.find_counter(session, centre.id, number)
    day = service_day(now(), centre.timezone)
    return jsonify(stats.counter_today(session, centre, counter.number, day))
