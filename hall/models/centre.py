"""Centre, field (lĩnh vực) and counter (quầy)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy import false
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from hall.models.base import Base
from hall.models.base import UTCDateTime

if TYPE_CHECKING:
    from hall.models.people import User

DEFAULT_PRIORITY_CATEGORIES = ["elderly", "pregnant", "disabled", "merit"]


class Centre(Base):
    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    opening_hours: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    ticket_header: Mapped[str] = mapped_column(String(300), default="")
    ticket_footer: Mapped[str] = mapped_column(String(300), default="")
    rating_scale: Mapped[int] = mapped_column(Integer, default=3)
    default_service_s: Mapped[int] = mapped_column(Integer, default=300)
    priority_categories: Mapped[list[str]] = mapped_column(
        JSON, default=lambda: list(DEFAULT_PRIORITY_CATEGORIES)
    )
    # Hall displays and spoken calls (hall.display_settings fills in the defaults).
    display_settings: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # The centre's logo as hall.engine.admin.set_logo re-encodes it (PNG, at most 600×600),
    # and its version, bumped on every change: /logo/CODE.png?v=N is cached for good.
    # deferred: read only where it is shown, not with every request's centre
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)
    logo_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # printed tickets carry the procedure's name and its papers (off unless the centre wants it)
    print_procedure: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (CheckConstraint("rating_scale IN (3, 4)", name="rating_scale"),)


class Field(Base):
    """A field of procedures a citizen picks on the kiosk."""

    __tablename__ = "fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    icon: Mapped[str] = mapped_column(String(64), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    prefix: Mapped[str | None] = mapped_column(String(4), default=None)
    digits: Mapped[int] = mapped_column(Integer, default=3)
    block_start: Mapped[int | None] = mapped_column(Integer, default=None)
    block_end: Mapped[int | None] = mapped_column(Integer, default=None)
    target_wait_s: Mapped[int] = mapped_column(Integer, default=900)
    daily_capacity: Mapped[int | None] = mapped_column(Integer, default=None)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)

    centre: Mapped[Centre] = relationship()

    __table_args__ = (UniqueConstraint("centre_id", "code"),)


class Counter(Base):
    __tablename__ = "counters"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(16), default="closed")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    pause_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    centre: Mapped[Centre] = relationship()
    officer: Mapped[User | None] = relationship(lazy="joined")
    field_links: Mapped[list[CounterField]] = relationship(
        order_by="CounterField.position", cascade="all, delete-orphan", lazy="select"
    )  # lists of counters load them in bulk (selectinload), one counter when it needs them

    __table_args__ = (
        UniqueConstraint("centre_id", "number"),
        UniqueConstraint("officer_id"),
        CheckConstraint("state IN ('open', 'paused', 'closed')", name="state"),
    )

    @property
    def fields(self) -> list[Field]:
        """The fields this counter serves, in its priority order."""
        return [link.field for link in self.field_links]


class CounterField(Base):
    __tablename__ = "counter_fields"

    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"), primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    field: Mapped[Field] = relationship(lazy="joined")
