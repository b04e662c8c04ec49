"""Random sequences of queue actions, with the invariants checked after every step."""

from __future__ import annotations

import shutil
from collections import Counter as Tally
from pathlib import Path
from typing import Any

from flask import Flask
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine
from hypothesis.stateful import invariant
from hypothesis.stateful import rule
from hypothesis.stateful import run_state_machine_as_test
from sqlalchemy import select

from hall.engine import counters
from hall.engine import lines
from hall.engine import tickets
from hall.engine.errors import HallError
from hall.models import Centre
from hall.models import CounterField
from hall.models import LineCount
from hall.models import Ticket
from hall.models import TicketEvent
from hall.models import User
from hall.models.ticket import ACTIVE
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import COUNTERS
from tests.factories import build_world

FIELD_CODES = ["HT", "CT", "DD"]
NUMBERS = [number for number, _ in COUNTERS]
# kind of event -> (statuses it may leave, status it reaches)
ARROWS = {
    "issued": ((None,), "waiting"),
    "called": (("waiting",), "called"),
    "recalled": (("called",), "called"),
    "started": (("called",), "serving"),
    "finished": (("called", "serving"), "done"),
    "no_show": (("called",), "no_show"),
    "transferred": (("called", "serving"), "transferred"),
    "cancelled": (("waiting",), "cancelled"),
}


def expected_next(waiting: list[Ticket], counter_id: int, ranks: dict[int, int]) -> int | None:
    """The rule of docs/design.md, written independently of the engine's SQL."""
    eligible = [
        t for t in waiting
        if t.target_counter_id == counter_id
        or (t.target_counter_id is None and t.field_id in ranks)
    ]  # fmt: skip
    if not eligible:
        return None

    def key(t: Ticket) -> tuple[Any, ...]:
        rank = -1 if t.target_counter_id == counter_id else ranks[t.field_id]
        return (not t.priority, rank, t.queued_at, t.id)

    return min(eligible, key=key).id


class QueueMachine(RuleBasedStateMachine):
    template: Path

    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(self.template).parent / f"run-{id(self)}"
        self.directory.mkdir(exist_ok=True)
        shutil.copyfile(self.template, self.directory / "hall.sqlite")
        self.clock = Clock()
        self.app: Flask = make_app(f"sqlite:///{self.directory / 'hall.sqlite'}", self.clock)
        self.context = self.app.app_context()
        self.context.push()
        self.session = self.app.extensions["hall.sessions"]()
        self.centre = self.session.scalars(select(Centre)).first()
        self.officers = {}
        for number in NUMBERS:
            user = self.session.scalars(
                select(User).where(User.username == f"officer{number}")).one()
            counters.open_counter(self.session, self.centre.id, number, user)
            self.officers[number] = user
        self.session.commit()
        self.issued = 0

    def teardown(self) -> None:
        self.session.close()
        self.app.extensions["hall.engine"].dispose()
        self.context.pop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def attempt(self, action: Any) -> Any:
        """Run one use case; a refused one must leave the database as it was."""
        before = self.snapshot()
        try:
            result = action()
        except HallError:
            self.session.rollback()
            assert self.snapshot() == before
            return None
        self.session.commit()
        return result

    def snapshot(self) -> list[tuple[Any, ...]]:
        return [(t.id, t.status, t.counter_id) for t in self.all_tickets()]

    def all_tickets(self) -> list[Ticket]:
        return list(self.session.scalars(select(Ticket).order_by(Ticket.id)).unique())

    @rule(field=st.sampled_from(FIELD_CODES), priority=st.booleans())
    def issue(self, field: str, priority: bool) -> None:
        def issue_and_check_place() -> Ticket:
            ticket = tickets.issue(self.session, self.centre, field, now=self.clock.now,
                                   actor=tickets.Actor(), source="kiosk", priority=priority)
            known = lines.waiting_ahead(self.session, ticket)  # from the line's counts
            lines.forget_places(self.session)
            assert known == lines.waiting_ahead(self.session, ticket)  # counted ticket by ticket
            return ticket

        ticket = self.attempt(issue_and_check_place)
        if ticket is not None:
            self.issued += 1

    @rule(number=st.sampled_from(NUMBERS))
    def call_next(self, number: int) -> None:
        counter = counters.find_counter(self.session, self.centre.id, number)
        ranks = {
            link.field_id: link.position
            for link in self.session.scalars(
                select(CounterField).where(CounterField.counter_id == counter.id))
        }  # fmt: skip
        waiting = [t for t in self.all_tickets() if t.status == "waiting"]
        busy = counters.current_ticket(self.session, counter) is not None
        want = None if busy else expected_next(waiting, counter.id, ranks)
        ticket = self.attempt(lambda: counters.call_next(
            self.session, self.centre.id, number, self.officers[number], self.clock.now))
        assert (ticket.id if ticket else None) == want

    @rule(number=st.sampled_from(NUMBERS),
          step=st.sampled_from(["recall", "start", "finish", "no_show"]))
    def act(self, number: int, step: str) -> None:
        action = getattr(counters, step)
        self.attempt(lambda: action(self.session, self.centre.id, number,
                                    self.officers[number], self.clock.now))

    @rule(number=st.sampled_from(NUMBERS),
          to=st.one_of(st.sampled_from(FIELD_CODES), st.sampled_from(NUMBERS)))
    def transfer(self, number: int, to: str | int) -> None:
        options = {"field_code": to} if isinstance(to, str) else {"counter_number": to}
        self.attempt(lambda: counters.transfer(
            self.session, self.centre.id, number, self.officers[number], self.clock.now,
            **options))  # fmt: skip

    @rule(index=st.integers(min_value=0, max_value=30))
    def cancel(self, index: int) -> None:
        everything = self.all_tickets()
        if everything:
            ticket = everything[index % len(everything)]
            self.attempt(lambda: tickets.cancel(self.session, self.centre.id, ticket.id,
                                                now=self.clock.now, actor=tickets.Actor()))

    @rule(seconds=st.integers(min_value=1, max_value=6 * 3600))
    def wait(self, seconds: int) -> None:
        self.clock.advance(seconds)

    @invariant()
    def numbers_unique_and_sequential(self) -> None:
        originals = [t for t in self.all_tickets() if t.transferred_from_id is None]
        assert len(originals) == self.issued  # no ticket lost, none duplicated
        per_day: dict[tuple[int, Any], list[int]] = {}
        for t in originals:
            per_day.setdefault((t.origin_field_id, t.service_day), []).append(t.sequence)
        for sequences in per_day.values():
            assert sorted(sequences) == list(range(1, len(sequences) + 1))

    @invariant()
    def one_ticket_per_counter(self) -> None:
        active = [t for t in self.all_tickets() if t.status in ACTIVE]
        assert all(t.counter_id is not None for t in active)
        assert max(Tally(t.counter_id for t in active).values(), default=0) <= 1

    @invariant()
    def every_waiting_ticket_can_be_called(self) -> None:
        served = {link.field_id for link in self.session.scalars(select(CounterField))}
        for t in self.all_tickets():
            if t.status == "waiting":
                assert t.counter_id is None
                assert t.target_counter_id is not None or t.field_id in served

    @invariant()
    def line_counts_match_the_tickets(self) -> None:
        """The counts the triggers keep equal a count of the waiting tickets, and every waiting
        ticket's place in line equals the tickets that will be called before it."""
        counted: dict[int, tuple[int, int]] = {}
        for t in self.all_tickets():
            if t.status == "waiting" and t.target_counter_id is None:
                normal, priority = counted.get(t.field_id, (0, 0))
                counted[t.field_id] = (normal + (not t.priority), priority + t.priority)
        kept = {row.field_id: (row.normal, row.priority) for row in self.session.scalars(
            select(LineCount)) if row.normal or row.priority}  # fmt: skip
        assert kept == counted

    @invariant()
    def log_follows_arrows_and_replays(self) -> None:
        replayed: dict[int, tuple[str | None, int | None]] = {}
        for event in self.session.scalars(select(TicketEvent).order_by(TicketEvent.id)):
            if event.kind == "rated":
                continue
            status, counter = replayed.get(event.ticket_id, (None, None))
            leaves, reaches = ARROWS[event.kind]
            assert status in leaves, (event.kind, status)
            if event.kind == "called":
                counter = event.counter_id
            replayed[event.ticket_id] = (reaches, counter)
        assert replayed == {t.id: (t.status, t.counter_id) for t in self.all_tickets()}


def test_random_queue_sequences_keep_invariants(sqlite_template: Path, tmp_path: Path) -> None:
    template = tmp_path / "world.sqlite"
    shutil.copyfile(sqlite_template, template)
    world_app = make_app(f"sqlite:///{template}")
    with world_app.app_context():
        build_world(world_app, Clock().now)
    world_app.extensions["hall.engine"].dispose()
    QueueMachine.template = template
    run_state_machine_as_test(QueueMachine, settings=settings(
        max_examples=25, stateful_step_count=35, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    ))  # fmt: skip


