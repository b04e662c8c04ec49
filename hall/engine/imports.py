"""Importing a centre's list of fields from a CSV or Excel file (a province publishes its
list of fields and procedures): every row is checked first and shown with its error; the
fields are created only when no row has one, all in one transaction."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.engine import text
from hall.engine.admin import PREFIX_LETTERS
from hall.engine.errors import Invalid
from hall.messages import N_
from hall.messages import Msg
from hall.models import Centre
from hall.models import Field

MAX_ROWS = 500
_CODE = re.compile(r"[A-Za-z0-9_.-]{1,32}")
_PREFIX = re.compile(r"[A-Z]{1,4}")
# Column headings, in Vietnamese or English, written with or without diacritics.
HEADINGS = {
    "code": "code", "ma": "code", "ma linh vuc": "code",
    "name": "name", "ten": "name", "ten linh vuc": "name",
    "name_en": "name_en", "name en": "name_en", "ten tieng anh": "name_en", "english name": "name_en",
    "prefix": "prefix", "tien to": "prefix",
    "target_wait_min": "target_wait_min", "target wait (min)": "target_wait_min",
    "cho muc tieu (phut)": "target_wait_min", "cho muc tieu": "target_wait_min",
    "daily_capacity": "daily_capacity", "toi da/ngay": "daily_capacity",
    "toi da moi ngay": "daily_capacity", "daily cap": "daily_capacity",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Row:
    """One row of the file as it would be created, or its error (Vietnamese)."""

    number: int  # the row's number in the file, heading row being 1
    code: str = ""
    name: str = ""
    name_en: str = ""
    prefix: str | None = None
    target_wait_s: int = 900
    daily_capacity: int | None = None
    errors: list[Msg] = field(default_factory=list)


def _plain(heading: str) -> str:
    """A heading without diacritics, case or extra spaces (đ becomes d)."""
    decomposed = unicodedata.normalize("NFD", heading.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def table(data: bytes, mimetype: str, max_rows: int = MAX_ROWS) -> list[list[str]]:
    """The file's cells as text, row by row: CSV (UTF-8, with or without its byte order
    mark, comma or semicolon) or Excel (.xlsx, the first sheet)."""
    if mimetype == XLSX or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds for a damaged file
            raise Invalid("Tệp Excel không đọc được", "invalid_file") from exc
        sheet = book.worksheets[0]
        rows = [["" if cell is None else str(cell).strip() for cell in row]
                for row in sheet.iter_rows(values_only=True, max_row=max_rows + 2)]
        book.close()
        return rows
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("Tệp CSV phải ở mã UTF-8", "invalid_file") from None
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(decoded[:2000], delimiters=",;\t")  # type: ignore[assignment]
    except csv.Error:
        pass
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(decoded), dialect)]


def check(session: Session, centre: Centre, cells: list[list[str]]) -> list[Row]:
    """Every row checked against the rules of a field and the centre's existing codes."""
    rows = [row for row in cells if any(cell for cell in row)]
    if not rows:
        raise Invalid("Tệp không có dòng nào", "invalid_file")
    columns = [HEADINGS.get(_plain(heading)) for heading in rows[0]]
    if "code" not in columns or "name" not in columns:
        raise Invalid("Dòng đầu phải có cột 'Mã' và 'Tên' (code, name)", "invalid_file")
    if len(rows) - 1 > MAX_ROWS:
        raise Invalid("Tối đa %(n)s lĩnh vực một lần", "invalid_file", n=MAX_ROWS)
    taken = set(session.scalars(select(Field.code).where(Field.centre_id == centre.id)))
    prefixes = set(session.scalars(select(Field.prefix).where(Field.centre_id == centre.id)))
    seen: dict[str, int] = {}
    checked = []
    for number, cells_of_row in enumerate(rows[1:], start=2):
        values = {column: cells_of_row[i] if i < len(cells_of_row) else ""
                  for i, column in enumerate(columns) if column}
        checked.append(_row(number, values, taken, prefixes, seen))
    for row in checked:  # a row without a prefix takes the first letter nobody uses,
        if not row.prefix:  # after every prefix the file names (two fields never share one)
            free = next((letter for letter in PREFIX_LETTERS if letter not in prefixes), None)
            if free is None:
                row.errors.append(Msg("hết chữ cái tiền tố; hãy ghi tiền tố"))
            else:
                row.prefix = free
                prefixes.add(free)
    return checked


def _row(number: int, values: dict[str, str], taken: set[str], prefixes: set[str | None],
         seen: dict[str, int]) -> Row:
    row = Row(number)
    code = values.get("code", "")
    if not _CODE.fullmatch(code):
        row.errors.append(Msg("mã phải có 1–32 ký tự: chữ không dấu, số, dấu chấm, gạch"))
    elif code in taken:
        row.errors.append(Msg("mã %(code)s đã có ở trung tâm", code=code))
    elif code in seen:
        row.errors.append(Msg("mã %(code)s lặp lại dòng %(row)s", code=code, row=seen[code]))
    else:
        seen[code] = number
    row.code = code
    for key, required in (("name", True), ("name_en", False)):
        value = text.tidy(values.get(key, ""))
        if not text.is_visible(value) or len(value) > 200:
            row.errors.append(Msg("tên có ký tự vô hình hoặc dài quá 200 ký tự") if key == "name"
                              else Msg("tên tiếng Anh có ký tự vô hình hoặc dài quá 200 ký tự"))
        elif required and not value:
            row.errors.append(Msg("thiếu tên"))
        setattr(row, key, value)
    prefix = values.get("prefix", "").upper()
    if prefix:
        if not _PREFIX.fullmatch(prefix):
            row.errors.append(Msg("tiền tố là 1–4 chữ cái in hoa"))
        elif prefix in prefixes:
            row.errors.append(Msg("tiền tố %(prefix)s đã dùng", prefix=prefix))
        else:
            prefixes.add(prefix)
        row.prefix = prefix
    row.target_wait_s = _number(values.get("target_wait_min", ""), 15, 0, 1440, row,
                                N_("chờ mục tiêu (phút)")) * 60
    capacity = values.get("daily_capacity", "")
    row.daily_capacity = _number(capacity, 0, 1, 100_000, row, N_("tối đa/ngày")) if capacity else None
    return row


def _number(value: str, default: int, low: int, high: int, row: Row, what: str) -> int:
    if not value:
        return default
    parsed = text.ascii_int(value.removesuffix(".0"), low, high)  # Excel writes 15 as 15.0
    if parsed is None:
        row.errors.append(Msg("%(what)s phải là số từ %(low)s đến %(high)s", what=Msg(what),
                              low=low, high=high))
        return default
    return parsed


def as_json(rows: list[Row], render: Callable[[Msg], str] = str) -> list[dict[str, Any]]:
    """The rows as the API answers them, each error through `render` (a translation)."""
    return [{"row": r.number, "code": r.code, "name": r.name, "name_en": r.name_en,
             "prefix": r.prefix, "target_wait_s": r.target_wait_s,
             "daily_capacity": r.daily_capacity, "errors": [render(e) for e in r.errors]} for r in rows]
