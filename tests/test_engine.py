"""The queue engine without Flask views: fixed clock, real SQLite file."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.engine import counters
from hall.engine import errors
from hall.engine import lines
from hall.engine import tickets
from hall.models import Centre
from hall.models import Field
from hall.models import Ticket
from hall.models import TicketEvent
from hall.models import User
from tests.conftest import Clock
from tests.factories import World

KIOSK = tickets.Actor(device_id=None)


def centre_of(session: Session) -> Centre:
    return session.scalars(select(Centre).order_by(Centre.id)).first()  # type: ignore[return-value]


def officer(session: Session, name: str) -> User:
    return session.scalars(select(User).where(User.username == name)).one()


def give(session: Session, clock: Clock, field: str = "HT", **options: object) -> Ticket:
    ticket = tickets.issue(session, centre_of(session), field, now=clock.now, actor=KIOSK,
                           source="kiosk", **options)  # type: ignore[arg-type]
    session.commit()
    clock.advance(10)
    return ticket


def open_at(session: Session, number: int, name: str) -> User:
    user = officer(session, name)
    counters.open_counter(session, centre_of(session).id, number, user)
    session.commit()
    return user


def test_numbers_are_sequential_per_field(session: Session, world: World, clock: Clock) -> None:
    numbers = [give(session, clock, code).number for code in ("HT", "HT", "CT", "HT", "CT")]
    assert numbers == ["A001", "A002", "B001", "A003", "B002"]


def test_number_block_and_capacity(session: Session, world: World, clock: Clock) -> None:
    field = session.scalars(select(Field).where(Field.code == "DD")).one()
    field.prefix, field.block_start, field.block_end = None, 1001, 1002
    session.commit()
    assert [give(session, clock, "DD").number for _ in range(2)] == ["1001", "1002"]
    with pytest.raises(errors.FieldFull):
        give(session, clock, "DD")
    session.rollback()
    assert session.scalar(select(Ticket.id).where(Ticket.number == "1003")) is None


def test_daily_capacity_and_closed_field(session: Session, world: World, clock: Clock) -> None:
    field = session.scalars(select(Field).where(Field.code == "CT")).one()
    field.daily_capacity = 1
    session.commit()
    give(session, clock, "CT")
    with pytest.raises(errors.FieldFull):
        give(session, clock, "CT")
    session.rollback()
    field.is_open = False
    session.commit()
    with pytest.raises(errors.FieldClosed):
        give(session, clock, "CT")


def test_service_day_turns_at_midnight_in_ho_chi_minh(session: Session, world: World) -> None:
    before = Clock(datetime(2026, 3, 2, 16, 59, 59, tzinfo=UTC))  # 23:59:59 on 2 March ICT
    first = give(session, before)
    second = give(session, Clock(datetime(2026, 3, 2, 16, 59, 59, tzinfo=UTC)))
    after = give(session, Clock(datetime(2026, 3, 2, 17, 0, 0, tzinfo=UTC)))  # 00:00 on 3 March
    assert (first.service_day, first.number) == (date(2026, 3, 2), "A001")
    assert (second.service_day, second.number) == (date(2026, 3, 2), "A002")
    assert (after.service_day, after.number) == (date(2026, 3, 3), "A001")


def test_call_order_priority_then_field_order_then_fifo(session: Session, world: World,
                                                        clock: Clock) -> None:
    ct_early = give(session, clock, "CT")
    ht_first = give(session, clock, "HT")
    ht_second = give(session, clock, "HT")
    ct_priority = give(session, clock, "CT", priority=True)
    user = open_at(session, 1, "officer1")  # counter 1 serves HT then CT
    called = []
    for _ in range(4):
        ticket = counters.call_next(session, centre_of(session).id, 1, user, clock.now)
        assert ticket is not None
        called.append(ticket.number)
        counters.finish(session, centre_of(session).id, 1, user, clock.advance(5))
        session.commit()
    assert called == [ct_priority.number, ht_first.number, ht_second.number, ct_early.number]
    assert counters.call_next(session, centre_of(session).id, 1, user, clock.now) is None


def test_one_ticket_at_a_time_per_counter(session: Session, world: World, clock: Clock) -> None:
    give(session, clock)
    give(session, clock)
    user = open_at(session, 1, "officer1")
    centre_id = centre_of(session).id
    counters.call_next(session, centre_id, 1, user, clock.now)
    with pytest.raises(errors.TicketInProgress):
        counters.call_next(session, centre_id, 1, user, clock.now)


def test_counter_held_by_another_officer(session: Session, world: World) -> None:
    open_at(session, 1, "officer1")
    intruder = officer(session, "officer2")
    with pytest.raises(errors.CounterBusy):
        counters.open_counter(session, centre_of(session).id, 1, intruder)
    with pytest.raises(errors.CounterBusy):
        counters.call_next(session, centre_of(session).id, 1, intruder, datetime.now(UTC))
    with pytest.raises(errors.CounterClosed):
        counters.call_next(session, centre_of(session).id, 2, intruder, datetime.now(UTC))


def test_wrong_state_changes_nothing(session: Session, world: World, clock: Clock) -> None:
    ticket = give(session, clock)
    user = open_at(session, 1, "officer1")
    centre_id = centre_of(session).id
    with pytest.raises(errors.NoCurrentTicket):
        counters.start(session, centre_id, 1, user, clock.now)
    counters.call_next(session, centre_id, 1, user, clock.now)
    counters.start(session, centre_id, 1, user, clock.now)
    session.commit()
    with pytest.raises(errors.WrongState):
        counters.recall(session, centre_id, 1, user, clock.now)
    with pytest.raises(errors.WrongState):
        counters.no_show(session, centre_id, 1, user, clock.now)
    with pytest.raises(errors.WrongState):
        tickets.cancel(session, centre_id, ticket.id, now=clock.now, actor=KIOSK)
    session.rollback()
    assert session.get_one(Ticket, ticket.id).status == "serving"


def test_transfer_keeps_number_priority_and_place(session: Session, world: World,
                                                  clock: Clock) -> None:
    centre_id = centre_of(session).id
    original = give(session, clock, "HT", priority=True)
    later_ct = give(session, clock, "CT", priority=True)
    user = open_at(session, 1, "officer1")
    counters.call_next(session, centre_id, 1, user, clock.now)
    old, new = counters.transfer(session, centre_id, 1, user, clock.advance(60),
                                 field_code="CT")
    session.commit()
    assert (old.status, new.status) == ("transferred", "waiting")
    assert (new.number, new.priority, new.field.code) == (original.number, True, "CT")
    assert new.tracking_token == original.tracking_token
    assert lines.waiting_ahead(session, new) == 0
    assert lines.waiting_ahead(session, later_ct) == 1
    second = open_at(session, 2, "officer2")
    called = counters.call_next(session, centre_id, 2, second, clock.now)
    assert called is not None and called.id == new.id


def test_transfer_to_counter_only_that_counter_calls(session: Session, world: World,
                                                     clock: Clock) -> None:
    centre_id = centre_of(session).id
    give(session, clock, "HT")
    user = open_at(session, 1, "officer1")
    counters.call_next(session, centre_id, 1, user, clock.now)
    _, new = counters.transfer(session, centre_id, 1, user, clock.now, counter_number=3)
    session.commit()
    assert counters.call_next(session, centre_id, 1, user, clock.now) is None
    third = open_at(session, 3, "officer3")
    called = counters.call_next(session, centre_id, 3, third, clock.now)
    assert called is not None and called.id == new.id


def test_every_change_is_logged(session: Session, world: World, clock: Clock) -> None:
    ticket = give(session, clock)
    user = open_at(session, 1, "officer1")
    centre_id = centre_of(session).id
    counters.call_next(session, centre_id, 1, user, clock.now)
    counters.recall(session, centre_id, 1, user, clock.now)
    counters.start(session, centre_id, 1, user, clock.now)
    counters.finish(session, centre_id, 1, user, clock.now)
    session.commit()
    kinds = session.scalars(
        select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
    ).all()
    assert kinds == ["issued", "called", "recalled", "started", "finished"]


def test_expected_wait_uses_recent_service_and_open_counters(session: Session, world: World,
                                                             clock: Clock) -> None:
    centre = centre_of(session)
    user = open_at(session, 1, "officer1")
    for service_s in (100, 200):  # two finished HT services: median 150 s
        give(session, clock)
        counters.call_next(session, centre.id, 1, user, clock.now)
        counters.finish(session, centre.id, 1, user, clock.advance(service_s))
        session.commit()
    waiting = [give(session, clock) for _ in range(5)]
    ahead = lines.waiting_ahead(session, waiting[4])
    assert ahead == 4
    # two services weigh against the centre's 300 s counted as four: (4 × 300 + 2 × 150) / 6
    assert lines.estimated_wait_s(session, waiting[4], ahead, centre, clock.now) == 4 * 250
    open_at(session, 3, "officer3")  # counter 3 also serves HT: two counters share the line
    assert lines.estimated_wait_s(session, waiting[4], ahead, centre, clock.now) == 2 * 250
    counters.pause(session, centre.id, 3, officer(session, "officer3"), "", clock.now)
    session.commit()  # a paused counter serves nobody
    assert lines.estimated_wait_s(session, waiting[4], ahead, centre, clock.now) == 4 * 250
    assert lines.estimated_wait_s(session, waiting[0], 0, centre, clock.now) == 0
