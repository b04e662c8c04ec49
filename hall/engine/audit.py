"""The audit log's use cases: an action is noted when it starts (`intend`) and written in
the same transaction as the change, at its commit, so a refused or rolled-back action leaves
no entry and a committed one always has its entry; reading it back with filters."""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy import event
from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.models import AuditEntry

_KEY = "hall.audit"
SECRET_KEYS = frozenset({"password", "token", "csrf"})


@dataclass(frozen=True)
class Entry:
    centre_id: int
    at: datetime
    action: str
    user_id: int | None = None
    username: str = ""
    device_id: int | None = None
    address: str = ""
    target: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def intend(session: Session, entry: Entry) -> None:
    """Note an action; it is written if and when this unit of work commits."""
    session.info.setdefault(_KEY, []).append(entry)


def set_aside(session: Session) -> list[Entry]:
    """The actions noted so far, taken off the session: for a view that must end its
    transaction before its work is done (printing); `intend` them again once it succeeded."""
    taken: list[Entry] = session.info.pop(_KEY, [])
    return taken


def record(session: Session, entry: Entry) -> None:
    """Write an entry now, in the session's transaction (the caller commits)."""
    session.add(AuditEntry(**_clean(entry)))


def _clean(entry: Entry) -> dict[str, Any]:
    values = asdict(entry)
    values["detail"] = {key: value for key, value in entry.detail.items()
                        if key not in SECRET_KEYS}
    values["address"] = values["address"][:64]
    values["target"] = values["target"][:200]
    return values


@event.listens_for(Session, "before_commit")
def _write(session: Session) -> None:
    for entry in session.info.pop(_KEY, []):
        record(session, entry)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_KEY, None)


def query(centre_id: int, since: datetime, until: datetime, username: str | None = None,
          action: str | None = None, limit: int = 1000) -> Select[Any]:
    """The centre's entries in [since, until), newest first, optionally of one user or one
    action."""
    statement = (select(AuditEntry)
                 .where(AuditEntry.centre_id == centre_id, AuditEntry.at >= since,
                        AuditEntry.at < until)
                 .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit))
    if username:
        statement = statement.where(AuditEntry.username == username)
    if action:
        statement = statement.where(AuditEntry.action == action)
    return statement
