"""What happened in a unit of work. Use cases record events on the session as they change
rows; nothing is sent from here. After the commit, the announcer (hall.web.announce) turns
every recorded event into Socket.IO messages and print jobs; a rollback forgets them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from hall.models import Counter
from hall.models import Ticket


@dataclass(frozen=True)
class Called:
    """A ticket was called to its counter (or called again: `recall`)."""

    ticket: Ticket
    recall: bool = False


@dataclass(frozen=True)
class Updated:
    """A ticket changed (started, finished, no-show, transferred, cancelled, record codes)."""

    ticket: Ticket


@dataclass(frozen=True)
class RatingRequested:
    """A service ended: the counter's tablet asks the citizen to rate it."""

    ticket: Ticket


@dataclass(frozen=True)
class CounterChanged:
    """A counter was opened, closed, paused or resumed."""

    counter: Counter


@dataclass(frozen=True)
class WaitingChanged:
    """The waiting lines of a centre changed (counts, expected waits)."""

    centre_id: int


@dataclass(frozen=True)
class FieldsChanged:
    """A field was added or changed (name, order, open or closed): kiosks reload their tiles."""

    centre_id: int


@dataclass(frozen=True)
class Logged:
    """A line was added to a ticket's log (issued, called, finished, no_show, …): counted by
    the metrics once committed."""

    ticket: Ticket
    kind: str


@dataclass(frozen=True)
class PrintQueued:
    """A ticket waits for its kiosk's printer."""

    job_id: int


Event = (Called | Updated | RatingRequested | CounterChanged | WaitingChanged | FieldsChanged
         | Logged | PrintQueued)
_KEY = "hall.events"


def record(session: Session, *happened: Event) -> None:
    """Note what this unit of work did, to be announced once it is committed."""
    session.info.setdefault(_KEY, []).extend(happened)


def take(session: Session) -> list[Event]:
    """The events recorded since the last take, in order, once each."""
    taken: list[Event] = session.info.pop(_KEY, [])
    return taken


@event.listens_for(Session, "after_rollback")
def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_KEY, None)
