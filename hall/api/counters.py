"""Counter actions of the officer at it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import jsonify
from sqlalchemy.orm import Session

from hall import counters
from hall import realtime
from hall import serialize
from hall.api import schemas as s
from hall.api.common import now
from hall.api.spec import endpoint
from hall.auth import USERS
from hall.auth import Principal
from hall.db import get_session
from hall.models import Ticket
from hall.models import User

TICKET = {200: s.TicketOut, 404: s.ErrorOut, 409: s.ErrorOut}
COUNTER = {200: s.CounterOut, 404: s.ErrorOut, 409: s.ErrorOut}


def _counter_answer(session: Session, principal: Principal, number: int) -> Any:
    counter = counters.find_counter(session, principal.centre.id, number)
    current = counters.current_ticket(session, counter)
    return jsonify(serialize.counter_json(session, counter, principal.centre, now(), current))


@endpoint("/counters/<int:number>/open", "POST", summary="Take the counter", roles=USERS,
          responses=COUNTER)
def open_counter(principal: Principal, number: int) -> Any:
    session = get_session()
    counters.open_counter(session, principal.centre.id, number, principal.officer())
    session.commit()
    return _counter_answer(session, principal, number)


@endpoint("/counters/<int:number>/close", "POST", summary="Leave the counter", roles=USERS,
          responses=COUNTER)
def close_counter(principal: Principal, number: int) -> Any:
    session = get_session()
    counters.close_counter(session, principal.centre.id, number, principal.officer())
    session.commit()
    return _counter_answer(session, principal, number)


@endpoint("/counters/<int:number>/call-next", "POST", summary="Call the next ticket",
          roles=USERS, responses={**TICKET, 204: None})
def call_next(principal: Principal, number: int) -> Any:
    session, centre, moment = get_session(), principal.centre, now()
    ticket = counters.call_next(session, centre.id, number, principal.officer(), moment)
    session.commit()
    if ticket is None:
        return "", 204
    realtime.ticket_called(session, centre, ticket, recall=False)
    return jsonify(serialize.ticket_json(session, ticket, centre, moment))


Step = Callable[[Session, int, int, User, datetime], Ticket]


def _step(principal: Principal, number: int, action: Step) -> tuple[Session, Ticket]:
    session = get_session()
    ticket = action(session, principal.centre.id, number, principal.officer(), now())
    session.commit()
    return session, ticket


def _updated(session: Session, principal: Principal, ticket: Ticket) -> Any:
    """Announce `ticket.updated` after the commit and answer with the ticket."""
    realtime.ticket_updated(session, principal.centre, ticket)
    return jsonify(serialize.ticket_json(session, ticket, principal.centre, now()))


@endpoint("/counters/<int:number>/recall", "POST", summary="Call the current ticket again",
          roles=USERS, responses=TICKET)
def recall(principal: Principal, number: int) -> Any:
    session, ticket = _step(principal, number, counters.recall)
    realtime.ticket_called(session, principal.centre, ticket, recall=True)
    return jsonify(serialize.ticket_json(session, ticket, principal.centre, now()))


@endpoint("/counters/<int:number>/start", "POST", summary="Start serving the current ticket",
          roles=USERS, responses=TICKET)
def start(principal: Principal, number: int) -> Any:
    session, ticket = _step(principal, number, counters.start)
    return _updated(session, principal, ticket)


@endpoint("/counters/<int:number>/finish", "POST", summary="Finish the current ticket",
          roles=USERS, responses=TICKET)
def finish(principal: Principal, number: int) -> Any:
    session, ticket = _step(principal, number, counters.finish)
    answer = _updated(session, principal, ticket)
    realtime.rating_requested(session, principal.centre, ticket)
    return answer


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
    session.commit()
    realtime.ticket_updated(session, centre, old, new, waiting_changed=True)
    return jsonify(serialize.ticket_json(session, new, centre, moment))
