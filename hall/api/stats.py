"""Reports for managers: the statistics by group and the list of tickets with their record
codes, as JSON, CSV (UTF-8 with a byte order mark, for Excel) or an Excel workbook.

Every report, file included, is made off the hub (hall.store.db.off_hub): the query, the
file and the JSON text are all built in a real thread with its own connection, so a five-year
report never stalls the hall's screens. Headings are Vietnamese templates translated into the
request's language, chosen before the work leaves the request."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from collections.abc import Iterable
from datetime import date
from datetime import datetime
from typing import Any

from flask import Response
from flask import current_app
from gevent import monkey
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from hall.api import schemas as s
from hall.api.common import now
from hall.api.common import spreadsheet_text
from hall.api.spec import endpoint
from hall.engine.auth import Principal
from hall.engine.clock import service_day
from hall.engine.errors import Invalid
from hall.engine.ratings import LEVEL_LABELS
from hall.engine.ratings import REASON_LABELS
from hall.engine.ratings import REASONS
from hall.engine.ratings import levels
from hall.messages import N_
from hall.messages import Msg
from hall.models import Centre
from hall.models.vocabulary import label
from hall.read import stats
from hall.store.db import end
from hall.store.db import off_hub
from hall.web.database import get_session
from hall.web.i18n import language
from hall.web.i18n import translate

MANAGERS = frozenset({"manager", "admin"})
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The key column's heading and the sheet's name, per grouping.
KEY_HEADINGS = {
    "field": N_("Lĩnh vực"), "counter": N_("Quầy"), "officer": N_("Cán bộ"), "day": N_("Ngày"),
    "week": N_("Tuần"), "month": N_("Tháng"), "quarter": N_("Quý"), "hour": N_("Giờ"),
    "weekday": N_("Thứ"), "procedure": N_("Thủ tục"),
}  # fmt: skip
SHEETS = {
    "field": N_("Theo lĩnh vực"), "counter": N_("Theo quầy"), "officer": N_("Theo cán bộ"),
    "day": N_("Theo ngày"), "week": N_("Theo tuần"), "month": N_("Theo tháng"),
    "quarter": N_("Theo quý"), "hour": N_("Theo giờ"), "weekday": N_("Theo thứ"),
    "procedure": N_("Theo thủ tục"),
}  # fmt: skip
RANGE = N_("Từ %(first)s đến %(last)s")
REASON = N_("Lý do: %(reason)s")

# What a cell holds, which decides its number format in a workbook.
COUNT, MINUTES, PERCENT, TEXT, DAY, MOMENT = "count", "minutes", "percent", "text", "day", "moment"
FORMATS = {COUNT: "0", MINUTES: "0.0", PERCENT: "0.0%", DAY: "yyyy-mm-dd",
           MOMENT: "yyyy-mm-dd hh:mm:ss"}


class Column:
    """One column of a file: its heading, its kind and how it reads a row (a JSON row)."""

    def __init__(self, heading: str | Msg, kind: str, read: Callable[[dict[str, Any]], Any]) -> None:
        self.heading, self.kind, self.read = heading, kind, read


def _minutes(seconds: Any) -> float | None:
    return None if seconds is None else seconds / 60


def stats_columns(by: str, scale: Iterable[str], english: bool, paused: bool) -> list[Column]:
    """The statistics' columns, in the order of the JSON row."""
    def timing(name: str, part: str) -> Callable[[dict[str, Any]], Any]:
        return lambda row: _minutes(row[name][part])

    key_kind = {"field": TEXT, "officer": TEXT, "day": DAY, "week": TEXT, "month": TEXT,
                "quarter": TEXT}.get(by, COUNT)
    columns = [
        Column(KEY_HEADINGS[by], key_kind, lambda row: row["key"]),
        Column(N_("Số đã cấp"), COUNT, lambda row: row["issued"]),
        Column(N_("Đã phục vụ"), COUNT, lambda row: row["served"]),
        Column(N_("Vắng mặt"), COUNT, lambda row: row["no_show"]),
        Column(N_("Đã chuyển"), COUNT, lambda row: row["transferred"]),
        Column(N_("Đã hủy"), COUNT, lambda row: row["cancelled"]),
        Column(N_("Chờ TB (phút)"), MINUTES, timing("wait_s", "avg")),
        Column(N_("Chờ trung vị (phút)"), MINUTES, timing("wait_s", "p50")),
        Column(N_("Chờ P90 (phút)"), MINUTES, timing("wait_s", "p90")),
        Column(N_("Phục vụ TB (phút)"), MINUTES, timing("service_s", "avg")),
        Column(N_("Phục vụ trung vị (phút)"), MINUTES, timing("service_s", "p50")),
        Column(N_("Phục vụ P90 (phút)"), MINUTES, timing("service_s", "p90")),
        Column(N_("Gọi trong thời gian chờ mục tiêu (%)"), PERCENT,
               lambda row: row["within_target_pct"]),
    ]
    if paused:
        columns.append(Column(N_("Tạm dừng (phút)"), MINUTES, lambda row: _minutes(row["pause_s"])))
    columns += [
        Column(N_("Lượt đánh giá"), COUNT, lambda row: row["ratings"]["count"]),
        Column(N_("Chưa đánh giá"), COUNT, lambda row: row["ratings"]["not_rated"]),
    ]
    def rated(part: str, key: str) -> Callable[[dict[str, Any]], Any]:
        return lambda row: row["ratings"][part].get(key, 0)

    for level in scale:
        columns.append(Column(LEVEL_LABELS[level][english], COUNT, rated("by_level", level)))
    for reason in REASONS:
        columns.append(Column(Msg(REASON, reason=REASON_LABELS[reason][english]), COUNT,
                              rated("by_reason", reason)))
    columns.append(Column(N_("Tỷ lệ hài lòng (%)"), PERCENT,
                          lambda row: row["ratings"]["satisfied_pct"]))
    return columns


def ticket_columns(english: bool) -> list[Column]:
    def moment(name: str) -> Callable[[dict[str, Any]], Any]:
        return lambda row: row[name] and datetime.fromisoformat(row[name]).replace(tzinfo=None)

    return [
        Column(N_("Số"), TEXT, lambda row: row["number"]),
        Column(N_("Ngày"), DAY, lambda row: row["service_day"]),
        Column(N_("Lĩnh vực"), TEXT, lambda row: row["field"]),
        Column(N_("Quầy"), COUNT, lambda row: row["counter"]),
        Column(N_("Cán bộ"), TEXT, lambda row: row["officer"]),
        Column(N_("Trạng thái"), TEXT, lambda row: label("ticket_status", row["status"], english)),
        Column(N_("Cấp lúc"), MOMENT, moment("issued_at")),
        Column(N_("Gọi lúc"), MOMENT, moment("called_at")),
        Column(N_("Xong lúc"), MOMENT, moment("finished_at")),
        Column(N_("Chờ (phút)"), MINUTES, lambda row: _minutes(row["wait_s"])),
        Column(N_("Phục vụ (phút)"), MINUTES, lambda row: _minutes(row["service_s"])),
        Column(N_("Mã hồ sơ"), TEXT, lambda row: ", ".join(row["records"])),
        Column(N_("Đánh giá"), TEXT, lambda row: _level(row["rating"], english)),
    ]


def _level(level: str | None, english: bool) -> str | None:
    return LEVEL_LABELS[level][english] if level is not None and level in LEVEL_LABELS else level


_real_sleep = monkey.get_original("time", "sleep")
BREATHE_EVERY = 100  # lines between two pauses


def _breathe(line: int) -> None:
    """Let the hub's thread run now and then while a long file is written out in pure
    Python: a thread that never waits holds the interpreter's lock, and the hall's screens
    would wait for it (gevent's sleep is no use here, off the hub: the real one)."""
    if line % BREATHE_EVERY == BREATHE_EVERY - 1:
        _real_sleep(0.001)


def _csv_value(kind: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if kind == MINUTES:
        return f"{value:.2f}"
    if kind == PERCENT:
        return f"{value:.1f}"
    if kind == MOMENT:
        return str(value.isoformat(sep=" "))
    if kind == TEXT:
        return spreadsheet_text(str(value))
    return str(value)


def write_csv(columns: list[Column], rows: Iterable[dict[str, Any]], lang: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet_text(translate(column.heading, lang)) for column in columns])
    for line, row in enumerate(rows):
        writer.writerow([_csv_value(column.kind, column.read(row)) for column in columns])
        _breathe(line)
    # UTF-8 with its byte order mark: Excel then reads Vietnamese correctly.
    return out.getvalue().encode("utf-8-sig")


def _xlsx_value(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == PERCENT:
        return value / 100
    if kind == DAY:
        return date.fromisoformat(value) if isinstance(value, str) else value
    return value


def _width(kind: str, value: Any) -> int:
    if value is None:
        return 0
    if kind == MINUTES:
        return len(f"{value:.1f}")
    if kind == PERCENT:
        return len(f"{value * 100:.1f}%")
    if kind == DAY:
        return 10
    if kind == MOMENT:
        return 19
    return len(str(value))


def write_xlsx(columns: list[Column], rows: Iterable[dict[str, Any]], lang: str, *, sheet: str,
               title: str, subtitle: str) -> bytes:
    """A workbook of one sheet (see write_sheet)."""
    book = Workbook(write_only=True)
    write_sheet(book, columns, rows, lang, sheet=sheet, title=title, subtitle=subtitle)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_sheet(book: Workbook, columns: list[Column], rows: Iterable[dict[str, Any]], lang: str,
                *, sheet: str, title: str, subtitle: str) -> None:
    """One sheet of `book`: the title and the range on top, then the headings (bold,
    frozen with the first column) and one line per row; numbers as numbers, durations as
    minutes ('0.0'), shares as percentages, days and moments as dates; widths that fit."""
    headings = [translate(column.heading, lang) for column in columns]
    values = []
    for number, row in enumerate(rows):
        _breathe(number)
        values.append([_xlsx_value(column.kind, column.read(row)) for column in columns])
    widths = [len(heading) for heading in headings]
    for line in values[:5000]:  # enough to size a column; a long export is alike further down
        for index, (column, value) in enumerate(zip(columns, line, strict=True)):
            widths[index] = max(widths[index], _width(column.kind, value))
    ws: WriteOnlyWorksheet = book.create_sheet(sheet[:31])
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
    ws.freeze_panes = "B5"
    heading_row = 4

    def cell(value: Any, **style: Any) -> WriteOnlyCell:
        made = WriteOnlyCell(ws, value=value)
        for name, setting in style.items():
            setattr(made, name, setting)
        if isinstance(value, str) and value.startswith("="):
            made.data_type = "s"  # text, never a formula
        return made

    ws.append([cell(title, font=Font(bold=True, size=14))])
    ws.append([cell(subtitle)])
    ws.append([])
    assert heading_row == 4
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    ws.append([cell(heading, font=bold, alignment=wrap) for heading in headings])
    # One cell per column, styled once and given each line's value in turn: a write-only
    # sheet writes a line out as it is appended (a new styled cell per value cost seconds for
    # a long export).
    templates = []
    for column in columns:
        template = WriteOnlyCell(ws)
        if column.kind in FORMATS:
            template.number_format = FORMATS[column.kind]
        templates.append(template)
    for number, line in enumerate(values):
        _breathe(number)
        for template, value in zip(templates, line, strict=True):
            template.value = value
            if template.data_type == "f":
                template.data_type = "s"  # text, never a formula
        ws.append([None if value is None else template
                   for template, value in zip(templates, line, strict=True)])


def _file(body: bytes, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _json(value: Any) -> Response:
    return Response(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(),
                    mimetype="application/json")


def _subtitle(query: s.StatsRange, lang: str) -> str:
    said = translate(Msg(RANGE, first=query.from_.isoformat(), last=query.to.isoformat()), lang)
    for heading, value in ((KEY_HEADINGS["field"], query.field),
                           (KEY_HEADINGS["counter"], query.counter),
                           (KEY_HEADINGS["officer"], query.officer)):
        if value is not None:
            said += f"; {translate(heading, lang)}: {value}"
    return said


def _scope(session: Any, centre_id: int, query: s.StatsRange) -> stats.Scope:
    centre = session.get_one(Centre, centre_id)
    return stats.scope(session, centre, query.from_, query.to, field=query.field,
                       counter=query.counter, officer=query.officer)


@endpoint("/stats", "GET", summary="Wait, service, pause and rating figures by group; "
          "format=csv or xlsx for a file", query=s.StatsQuery, roles=MANAGERS,
          responses={200: s.StatsOut}, files=(CSV, XLSX))
def get_stats(principal: Principal, query: s.StatsQuery) -> Any:
    end(get_session())
    centre_id, lang = principal.centre.id, language()
    english = lang == "en"
    today = service_day(now(), principal.centre.timezone)
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def report(session: Any) -> Response:  # a long query: in a real thread, the hub keeps serving
        scope = _scope(session, centre_id, query)
        rows = stats.report(session, scope.centre, query.from_, query.to, query.by, within=scope,
                            today=today)
        scope = stats.Scope(session.get_one(Centre, centre_id), query.from_, query.to)
        if query.format == "json":
            return _json({"rows": rows})
        paused = query.by in stats.PAUSED_BY and query.field is None
        columns = stats_columns(query.by, levels(scope.centre), english, paused)
        name = f"thong-ke-{query.by}-{query.from_.isoformat()}-{query.to.isoformat()}"
        if query.format == "csv":
            return _file(write_csv(columns, rows, lang), CSV, name + ".csv")
        body = write_xlsx(columns, rows, lang, sheet=translate(SHEETS[query.by], lang),
                          title=scope.centre.name, subtitle=_subtitle(query, lang))
        return _file(body, XLSX, name + ".xlsx")

    return off_hub(app, report)


@endpoint("/stats/tickets", "GET", summary="Each citizen's ticket with its times, record codes "
          "and rating (at most 100,000); format=csv or xlsx for a file",
          query=s.StatsTicketsQuery, roles=MANAGERS, responses={200: s.StatsTicketsOut},
          files=(CSV, XLSX))
def get_stats_tickets(principal: Principal, query: s.StatsTicketsQuery) -> Any:
    end(get_session())
    centre_id, lang = principal.centre.id, language()
    english = lang == "en"
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def export(session: Any) -> Response:
        scope = _scope(session, centre_id, query)
        most = stats.MAX_TICKET_ROWS
        if stats.ticket_count(session, scope) > most:
            raise Invalid("Quá %(n)s dòng; hãy chọn ít ngày hơn hoặc lọc theo lĩnh vực, quầy, cán bộ",
                          "too_many_rows", n=format(most, ","))
        rows = []
        for number, row in enumerate(stats.tickets(session, scope)):
            _breathe(number)
            rows.append(row)
        if query.format == "json":
            return _json({"rows": rows})
        columns = ticket_columns(english)
        name = f"so-thu-tu-{query.from_.isoformat()}-{query.to.isoformat()}"
        if query.format == "csv":
            return _file(write_csv(columns, rows, lang), CSV, name + ".csv")
        body = write_xlsx(columns, rows, lang, sheet=translate(N_("Danh sách số"), lang),
                          title=scope.centre.name, subtitle=_subtitle(query, lang))
        return _file(body, XLSX, name + ".xlsx")

    return off_hub(app, export)


@endpoint("/stats/workbook", "GET", summary="One Excel workbook with a sheet for every grouping "
          "(field, counter, officer, day, week, month, quarter, hour, weekday)",
          query=s.StatsRange, roles=MANAGERS, responses={200: None}, files=(XLSX,))
def get_stats_workbook(principal: Principal, query: s.StatsRange) -> Any:
    end(get_session())
    centre_id, lang = principal.centre.id, language()
    today = service_day(now(), principal.centre.timezone)
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def export(session: Any) -> Response:
        scope = _scope(session, centre_id, query)
        book = Workbook(write_only=True)
        for by in SHEETS:
            rows = stats.report(session, scope.centre, query.from_, query.to, by, within=scope,
                                today=today)
            paused = by in stats.PAUSED_BY and query.field is None
            columns = stats_columns(by, levels(scope.centre), lang == "en", paused)
            write_sheet(book, columns, rows, lang, sheet=translate(SHEETS[by], lang),
                        title=scope.centre.name, subtitle=_subtitle(query, lang))
        out = io.BytesIO()
        book.save(out)
        name = f"bao-cao-{query.from_.isoformat()}-{query.to.isoformat()}.xlsx"
        return _file(out.getvalue(), XLSX, name)

    return off_hub(app, export)
