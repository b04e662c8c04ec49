"""The centre's administrative procedures (thủ tục hành chính): added one by one or imported
from the province's published list (CSV or Excel), looked up by citizens at the kiosk with
a search that ignores case and Vietnamese diacritics, and named on a ticket."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.engine import events
from hall.engine.errors import Duplicate
from hall.engine.errors import Invalid
from hall.engine.errors import NotFound
from hall.messages import N_
from hall.models import Centre
from hall.models import Field
from hall.models.procedure import Procedure

MAX_PAPERS = 40
CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]{0,31}")


class UnknownProcedure(NotFound):
    code, message = "unknown_procedure", N_("Thủ tục không tồn tại")


def fold(value: str) -> str:
    """Lower case, no diacritics, đ as d, single spaces: 'ĐĂNG KÝ' and 'dang ky' compare equal."""
    value = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(char for char in value if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w]+", " ", plain.lower()).split())


def folded_of(procedure: Procedure) -> str:
    return " ".join(part for part in (fold(procedure.name), fold(procedure.name_en or ""),
                                      (procedure.code or "").lower()) if part)


def search(session: Session, centre: Centre, query: str = "", field_code: str | None = None,
           hidden: bool = False, limit: int | None = None) -> list[Procedure]:
    """The centre's procedures (shown ones, unless `hidden`) whose name, English name or code
    holds every word of `query`, folded; in the order of their fields, then by position and
    name."""
    statement = select(Procedure).join(Field, Field.id == Procedure.field_id).where(
        Procedure.centre_id == centre.id)
    if not hidden:
        statement = statement.where(Procedure.visible.is_(True))
    if field_code:
        statement = statement.where(Field.code == field_code)
    for word in fold(query).split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(Procedure.folded.like(f"%{escaped}%", escape="\\"))
    statement = statement.order_by(Field.position, Field.id, Procedure.position, Procedure.name,
                                   Procedure.id).limit(limit)
    return list(session.scalars(statement))


def get(session: Session, centre: Centre, procedure_id: int, hidden: bool = False) -> Procedure:
    if not 1 <= procedure_id <= 2**31 - 1:  # PostgreSQL's integer: larger is no procedure
        raise UnknownProcedure()
    procedure = session.get(Procedure, procedure_id)
    if procedure is None or procedure.centre_id != centre.id or not (procedure.visible or hidden):
        raise UnknownProcedure()
    return procedure


# --- adding and changing --------------------------------------------------------------------

@dataclass
class Values:
    """A procedure as given (by the API, a form or a row of an imported file), checked."""

    field_code: str = ""
    name: str = ""
    name_en: str = ""
    code: str | None = None
    level: str | None = None
    time_limit: str = ""
    fee_vnd: int | None = None
    fee_note: str = ""
    papers: list[dict[str, Any]] = dataclass_field(default_factory=list)
    online: str = "none"
    portal_url: str | None = None
    visible: bool = True


def apply(procedure: Procedure, values: Values, field: Field) -> None:
    """Set a procedure's details (and its folded search text) from checked values."""
    procedure.field_id = field.id
    for key in ("code", "name", "name_en", "level", "time_limit", "fee_vnd", "fee_note", "papers",
                "online", "portal_url", "visible"):
        setattr(procedure, key, getattr(values, key))
    procedure.folded = folded_of(procedure)


def _field(session: Session, centre: Centre, code: str) -> Field:
    field = session.scalar(select(Field).where(Field.centre_id == centre.id, Field.code == code))
    if field is None:
        raise Invalid("Lĩnh vực %(field)s không có ở trung tâm", "unknown_field", field=code)
    return field


def add(session: Session, centre: Centre, values: Values) -> Procedure:
    """A new procedure; a national code is the centre's once (409 duplicate_code)."""
    field = _field(session, centre, values.field_code)
    if values.code and session.scalar(select(Procedure.id).where(
            Procedure.centre_id == centre.id, Procedure.code == values.code)) is not None:
        raise Duplicate("Mã thủ tục %(given)s đã có ở trung tâm", "duplicate_code", given=values.code)
    procedure = Procedure(centre_id=centre.id)
    apply(procedure, values, field)
    session.add(procedure)
    session.flush()
    events.record(session, events.FieldsChanged(centre.id))
    return procedure


def update(session: Session, centre: Centre, procedure_id: int, values: Values) -> Procedure:
    procedure = get(session, centre, procedure_id, hidden=True)
    field = _field(session, centre, values.field_code)
    if values.code and session.scalar(select(Procedure.id).where(
            Procedure.centre_id == centre.id, Procedure.code == values.code,
            Procedure.id != procedure.id)) is not None:
        raise Duplicate("Mã thủ tục %(given)s đã có ở trung tâm", "duplicate_code", given=values.code)
    apply(procedure, values, field)
    session.flush()
    events.record(session, events.FieldsChanged(centre.id))
    return procedure


def values_of(procedure: Procedure) -> Values:
    return Values(procedure.field.code, procedure.name, procedure.name_en, procedure.code,
                  procedure.level, procedure.time_limit, procedure.fee_vnd, procedure.fee_note,
                  list(procedure.papers or []), procedure.online, procedure.portal_url,
                  procedure.visible)
