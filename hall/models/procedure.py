"""Administrative procedures (thủ tục hành chính) a centre publishes: what to bring, how long,
what it costs, and where it can be done online; a ticket may name the one it is for."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from hall.models.base import Base
from hall.models.centre import Field

LEVELS = ("province", "district", "commune")
ONLINE = ("none", "partial", "full")


class Procedure(Base):
    """One procedure of a centre, in one of its fields."""

    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id", ondelete="CASCADE"), index=True)
    # the national procedure code (mã thủ tục, e.g. 1.001193) where the centre has it
    code: Mapped[str | None] = mapped_column(String(32), default=None)
    name: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str] = mapped_column(String(500), default="")
    # name and code folded (no diacritics, đ as d, lower case): what the search compares
    folded: Mapped[str] = mapped_column(String(600), default="")
    level: Mapped[str | None] = mapped_column(String(16), default=None)
    time_limit: Mapped[str] = mapped_column(String(300), default="")
    fee_vnd: Mapped[int | None] = mapped_column(Integer, default=None)  # đồng; 0 free, None unknown
    fee_note: Mapped[str] = mapped_column(String(300), default="")
    # [{name, original: bool, copies: int}]
    papers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    online: Mapped[str] = mapped_column(String(8), default="none")
    portal_url: Mapped[str | None] = mapped_column(String(500), default=None)
    visible: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    field: Mapped[Field] = relationship(lazy="joined")

    __table_args__ = (
        # a code is the centre's once; procedures without one are told apart by field and name
        Index("ix_procedures_centre_code", "centre_id", "code", unique=True),
    )
