"""Users, their API tokens, and devices (kiosk, display, tablet)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import false
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from hall.models.base import Base
from hall.models.base import UTCDateTime
from hall.models.vocabulary import DeviceKind
from hall.models.vocabulary import Role

ROLES = tuple(Role)
DEVICE_KINDS = tuple(DeviceKind)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Browser sessions opened before the current epoch are over (logout, password reset).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A province's administrator: may work on every centre, one chosen per request.
    all_centres: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (CheckConstraint("role IN ('admin', 'manager', 'officer')", name="role"),)


class ApiToken(Base):
    """A user's bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    user: Mapped[User] = relationship(lazy="joined")


class Device(Base):
    """A kiosk, hall display or counter tablet, with its own token."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), default=None)
    printer: Mapped[str] = mapped_column(String(300), default="none")
    # online, paper_low, out_of_paper, offline or unknown; from the last job or check.
    printer_state: Mapped[str] = mapped_column(String(16), default="unknown",
                                               server_default="unknown")
    printer_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # A display's choice of counters and fields to show: {"counters": [1, 2], "fields": ["HT"]}.
    settings: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # When its page was last connected (hall.web.realtime keeps it every DEVICE_SEEN_S).
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    __table_args__ = (
        CheckConstraint("kind IN ('kiosk', 'display', 'tablet')", name="kind"),
    )
