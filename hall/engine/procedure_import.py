"""Importing a centre's procedures from the province's published list (CSV or Excel, in the
column layout of docs/procedures.md): every row checked and shown with its error, nothing
saved until the whole file is right and the admin confirms; a procedure already at the
centre is updated (found by its national code, or by field and name when it has none),
never added twice."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.engine import events
from hall.engine import procedures
from hall.engine import text
from hall.engine.errors import Invalid
from hall.engine.procedures import Values
from hall.messages import Msg
from hall.models import Centre
from hall.models import Field
from hall.models.procedure import Procedure

MAX_ROWS = 3000
# Column headings, Vietnamese or English, compared folded (no case, no diacritics).
HEADINGS = {
    "linh vuc": "field", "ma linh vuc": "field", "field": "field",
    "ma": "code", "ma thu tuc": "code", "ma tthc": "code", "code": "code",
    "ten": "name", "ten thu tuc": "name", "ten tthc": "name", "name": "name",
    "ten tieng anh": "name_en", "name en": "name_en", "english name": "name_en",
    "cap": "level", "cap thuc hien": "level", "level": "level",
    "thoi han": "time_limit", "thoi han giai quyet": "time_limit", "time limit": "time_limit",
    "le phi": "fee", "phi le phi": "fee", "phi": "fee", "fee": "fee", "fees": "fee",
    "ghi chu le phi": "fee_note", "fee note": "fee_note",
    "thanh phan ho so": "papers", "giay to": "papers", "papers": "papers",
    "truc tuyen": "online", "dich vu cong truc tuyen": "online", "online": "online",
    "duong dan": "portal_url", "lien ket": "portal_url", "link": "portal_url",
    "portal url": "portal_url", "portal": "portal_url",
    "hien thi": "visible", "visible": "visible",
}
LEVEL_WORDS = {"tinh": "province", "cap tinh": "province", "province": "province",
               "huyen": "district", "cap huyen": "district", "district": "district",
               "xa": "commune", "cap xa": "commune", "commune": "commune", "": None}
ONLINE_WORDS = {"toan trinh": "full", "full": "full", "mot phan": "partial", "partial": "partial",
                "khong": "none", "none": "none", "": "none"}
YES = {"co", "yes", "1", "x", "hien", ""}
NO = {"khong", "no", "0", "an"}
FREE = {"", "0", "mien phi", "mien le phi", "khong", "khong thu", "free"}
_AMOUNT = re.compile(r"[0-9]{1,3}(?:[.,][0-9]{3})+|[0-9]{1,12}")


@dataclass
class Row:
    number: int  # in the file, the heading row being 1
    values: Values = dataclass_field(default_factory=Values)
    existing: int | None = None  # the procedure it updates
    errors: list[Msg] = dataclass_field(default_factory=list)


def fee(value: str) -> int | None:
    """'8.000', '8,000 đồng', '8000đ' → 8000; 'Miễn phí', '0' → 0; '' → None (not known).
    Raises ValueError for anything else."""
    if procedures.fold(value) in FREE:
        return 0 if value.strip() else None
    amount = re.sub(r"\s+", "", value.lower())
    amount = re.sub(r"(đồng|dong|đ|vnd)$", "", amount)
    if _AMOUNT.fullmatch(amount) is None:
        raise ValueError(value)
    return int(re.sub(r"[^0-9]", "", amount))


def papers(value: str) -> list[dict[str, Any]]:
    """One paper a line: 'Tờ khai | bản chính | 1' (a name may hold ';'); the second part
    'bản chính' (original) or 'bản sao' (copy), the third how many. Raises ValueError."""
    found = []
    for line in re.split(r"[\r\n]+", value):
        parts = [part.strip() for part in line.split("|")]
        if not parts[0]:
            continue
        name = text.tidy(parts[0])
        if not text.is_visible(name) or len(name) > 300:
            raise ValueError(line)
        kind = procedures.fold(parts[1]) if len(parts) > 1 else ""
        if kind not in ("", "ban chinh", "ban sao", "original", "copy"):
            raise ValueError(line)
        copies = text.ascii_int(parts[2], 1, 99) if len(parts) > 2 and parts[2] else 1
        if copies is None or len(parts) > 3:
            raise ValueError(line)
        found.append({"name": name, "original": kind in ("ban chinh", "original"),
                      "copies": copies})
    if len(found) > procedures.MAX_PAPERS:
        raise ValueError(value)
    return found


def portal_url(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 500 \
            or not text.is_clean(value) or " " in value:
        raise ValueError(value)
    return value


def check(session: Session, centre: Centre, cells: list[list[str]]) -> list[Row]:
    rows = [row for row in cells if any(cell for cell in row)]
    if not rows:
        raise Invalid("Tệp không có dòng nào", "invalid_file")
    columns = [HEADINGS.get(procedures.fold(heading)) for heading in rows[0]]
    if "name" not in columns or "field" not in columns:
        raise Invalid("Dòng đầu phải có cột 'Lĩnh vực' và 'Tên thủ tục' (field, name)",
                      "invalid_file")
    if len(rows) - 1 > MAX_ROWS:
        raise Invalid("Tối đa %(n)s thủ tục một lần", "invalid_file", n=MAX_ROWS)
    fields = {f.code: f for f in session.scalars(select(Field).where(Field.centre_id == centre.id))}
    existing = list(session.scalars(select(Procedure).where(Procedure.centre_id == centre.id)))
    by_code = {p.code: p.id for p in existing if p.code}
    by_name = {(p.field_id, procedures.fold(p.name)): p.id for p in existing}
    code_of = {p.id: p.code for p in existing}
    seen_codes: dict[str, int] = {}
    seen_names: dict[tuple[str, str, str | None], int] = {}
    claimed: dict[int, int] = {}  # a procedure of the centre -> the row that updates it
    checked = []
    for number, cells_of_row in enumerate(rows[1:], start=2):
        given = {column: cells_of_row[i] if i < len(cells_of_row) else ""
                 for i, column in enumerate(columns) if column}
        row = _row(number, given, fields)
        values = row.values
        name = procedures.fold(values.name)
        if values.code:  # a code is the procedure: the same code twice is one repeated
            if values.code in seen_codes:
                row.errors.append(Msg("mã %(code)s lặp lại dòng %(row)s", code=values.code,
                                      row=seen_codes[values.code]))
            seen_codes.setdefault(values.code, number)
            row.existing = by_code.get(values.code)
        elif values.name:  # without one, field, name and level tell procedures apart
            key = (values.field_code, name, values.level)
            if key in seen_names:
                row.errors.append(Msg("thủ tục này lặp lại dòng %(row)s", row=seen_names[key]))
            seen_names.setdefault(key, number)
        if row.existing is None and values.field_code in fields:
            match = by_name.get((fields[values.field_code].id, name))
            # a procedure that has a code is another one's only if the row has no code
            if match is not None and (not values.code or not code_of.get(match)):
                row.existing = match
        if row.existing is not None:
            if row.existing in claimed:
                row.errors.append(Msg("dòng này và dòng %(row)s cùng sửa một thủ tục",
                                      row=claimed[row.existing]))
            claimed.setdefault(row.existing, number)
        checked.append(row)
    return checked


def _row(number: int, given: dict[str, str], fields: dict[str, Field]) -> Row:
    row = Row(number)
    values = row.values
    values.field_code = given.get("field", "").strip()
    if not values.field_code:
        row.errors.append(Msg("thiếu lĩnh vực"))
    elif values.field_code not in fields:
        row.errors.append(Msg("lĩnh vực %(code)s không có ở trung tâm", code=values.field_code))
    code = given.get("code", "").strip()
    if code and not procedures.CODE.fullmatch(code):
        row.errors.append(Msg("mã thủ tục có 1–32 ký tự: chữ không dấu, số, dấu chấm, gạch"))
    values.code = code or None
    for key, limit in (("name", 500), ("name_en", 500), ("time_limit", 300), ("fee_note", 300)):
        value = text.tidy(given.get(key, ""))
        if not text.is_visible(value) or len(value) > limit:
            row.errors.append(Msg("cột %(column)s có ký tự vô hình hoặc dài quá %(n)s ký tự",
                                  column=key, n=limit))
        setattr(values, key, value)
    if not values.name:
        row.errors.append(Msg("thiếu tên thủ tục"))
    level = procedures.fold(given.get("level", ""))
    if level not in LEVEL_WORDS:
        row.errors.append(Msg("cấp thực hiện là tỉnh, huyện hoặc xã"))
    values.level = LEVEL_WORDS.get(level)
    try:
        values.fee_vnd = fee(given.get("fee", ""))
    except ValueError:
        row.errors.append(Msg("lệ phí phải là số tiền bằng đồng (ví dụ 8.000) hoặc “miễn phí”"))
    try:
        values.papers = papers(given.get("papers", ""))
    except ValueError:
        row.errors.append(Msg("giấy tờ: mỗi dòng một giấy, dạng “Tên | bản chính hoặc bản sao | số bản”"))
    online = procedures.fold(given.get("online", ""))
    if online not in ONLINE_WORDS:
        row.errors.append(Msg("trực tuyến là “toàn trình”, “một phần” hoặc “không”"))
    values.online = ONLINE_WORDS.get(online, "none")
    try:
        values.portal_url = portal_url(given.get("portal_url", ""))
    except ValueError:
        row.errors.append(Msg("đường dẫn phải là địa chỉ http:// hoặc https://"))
    visible = procedures.fold(given.get("visible", ""))
    if visible not in YES | NO:
        row.errors.append(Msg("hiển thị là “có” hoặc “không”"))
    values.visible = visible not in NO
    return row


def save(session: Session, centre: Centre, rows: list[Row]) -> tuple[int, int]:
    """Every row added or updated, with the fields and procedures read once (a province's
    list is thousands of rows): (added, updated). A row without a code keeps the code of the
    procedure it updates."""
    fields = {f.code: f for f in session.scalars(select(Field).where(Field.centre_id == centre.id))}
    existing = {p.id: p for p in session.scalars(select(Procedure).where(
        Procedure.centre_id == centre.id))}
    added = updated = 0
    for row in rows:
        procedure = existing.get(row.existing) if row.existing is not None else None
        if procedure is None:
            procedure = Procedure(centre_id=centre.id)
            session.add(procedure)
            added += 1
        else:
            if row.values.code is None:
                row.values.code = procedure.code
            updated += 1
        procedures.apply(procedure, row.values, fields[row.values.field_code])
    session.flush()
    events.record(session, events.FieldsChanged(centre.id))
    return added, updated


def as_json(rows: list[Row], render: Callable[[Msg], str] = str) -> list[dict[str, Any]]:
    return [{"row": r.number, "field": r.values.field_code, "code": r.values.code,
             "name": r.values.name, "fees": r.values.fee_vnd, "papers": len(r.values.papers),
             "online": r.values.online, "action": "update" if r.existing else "add",
             "errors": [render(e) for e in r.errors]} for r in rows]
