"""The statistics as files: the .xlsx opened back with openpyxl and read cell by cell, the CSV
in Vietnamese and in English, cells that could run as formulas kept as text; and the list of
tickets with their record codes after a transfer."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from hall.api import schemas
from hall.read import stats as read_stats
from tests.conftest import Clock
from tests.factories import World
from tests.factories import issue
from tests.factories import post
from tests.test_stats import two_days as two_days  # noqa: F401  (the fixture)
from tests.test_stats_rules import app as app  # noqa: F401  (SQLite, then PostgreSQL)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RANGE = {"from": "2026-03-02", "to": "2026-03-03"}
HEADINGS_VI = [
    "Lĩnh vực", "Số đã cấp", "Đã phục vụ", "Vắng mặt", "Đã chuyển", "Đã hủy", "Chờ TB (phút)",
    "Chờ trung vị (phút)", "Chờ P90 (phút)", "Phục vụ TB (phút)", "Phục vụ trung vị (phút)",
    "Phục vụ P90 (phút)", "Gọi trong thời gian chờ mục tiêu (%)", "Lượt đánh giá",
    "Chưa đánh giá", "Rất hài lòng", "Hài lòng", "Không hài lòng", "Lý do: Thái độ",
    "Lý do: Thời gian chờ", "Lý do: Hướng dẫn chưa rõ", "Lý do: Thủ tục phức tạp",
    "Lý do: Cơ sở vật chất", "Lý do: Khác", "Tỷ lệ hài lòng (%)",
]
HEADINGS_EN = [
    "Field", "Issued", "Served", "No-show", "Transferred", "Cancelled", "Avg wait (min)",
    "Median wait (min)", "Wait P90 (min)", "Avg service (min)", "Median service (min)",
    "Service P90 (min)", "Called within target wait (%)",
    "Ratings", "Not rated", "Very satisfied", "Satisfied", "Dissatisfied", "Reason: Attitude",
    "Reason: Waiting time", "Reason: Unclear guidance", "Reason: Complicated procedure",
    "Reason: Facilities", "Reason: Other", "Satisfied (%)",
]
# two_days by field: CT (B001: 120 s wait, 120 s service, dissatisfied) and HT (waits 60 and
# 180 s, one 300 s service, one no-show, very satisfied); minutes and shares as Excel holds them
CT = ["CT", 1, 1, 0, 0, 0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 1.0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0.0]
HT = ["HT", 3, 1, 1, 0, 0, 2.0, 2.0, 2.8, 5.0, 5.0, 5.0, 1.0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1.0]


def get(client: FlaskClient, world: World, path: str, who: str = "manager", lang: str = "",
        **query: str) -> Any:
    headers = world.headers(who, **({"Accept-Language": lang} if lang else {}))
    answer = client.get(f"/api/v1{path}", query_string={**RANGE, **query}, headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer


def test_xlsx_cell_by_cell(client: FlaskClient, world: World, two_days: None) -> None:
    answer = get(client, world, "/stats", by="field", format="xlsx")
    assert answer.mimetype == XLSX
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="thong-ke-field-2026-03-02-2026-03-03.xlsx"')
    book = load_workbook(io.BytesIO(answer.get_data()))
    assert book.sheetnames == ["Theo lĩnh vực"]
    ws = book.active
    assert ws is not None
    assert ws.freeze_panes == "B5"
    assert ws["A1"].value == "Trung tâm Phục vụ hành chính công" and ws["A1"].font.b
    assert ws["A2"].value == "Từ 2026-03-02 đến 2026-03-03"
    assert ws["A3"].value is None
    assert [cell.value for cell in ws[4]] == HEADINGS_VI
    assert all(cell.font.b for cell in ws[4])
    assert ws.max_row == 6
    for line, expected in ((5, CT), (6, HT)):
        got = [cell.value for cell in ws[line]]
        assert got[0] == expected[0]
        assert got[1:] == pytest.approx(expected[1:], abs=1e-9), (line, got)
        formats = [cell.number_format for cell in ws[line]]
        assert formats[1:6] == ["0"] * 5  # counts
        assert formats[6:12] == ["0.0"] * 6  # minutes
        assert formats[12] == "0.0%" and formats[-1] == "0.0%"  # shares
        assert all(isinstance(value, int) for value in got[1:6] + got[13:24])
    for column, heading in zip("ABCDEFGHIJKLMNOPQRSTUVWXY", HEADINGS_VI, strict=True):
        width = ws.column_dimensions[column].width
        assert len(heading) <= width <= 62, (column, width)


def test_xlsx_groupings_hold_days_as_dates_and_pauses(client: FlaskClient, world: World,
                                                      two_days: None) -> None:
    ws = load_workbook(io.BytesIO(get(client, world, "/stats", by="day", format="xlsx").get_data())).active
    assert ws is not None and ws.title == "Theo ngày"
    assert (ws["A5"].value, ws["A5"].number_format) == (datetime(2026, 3, 2), "yyyy-mm-dd")
    assert (ws["A6"].value, ws["B6"].value) == (datetime(2026, 3, 3), 1)
    ws = load_workbook(io.BytesIO(get(client, world, "/stats", by="counter", format="xlsx",
                                      lang="en").get_data())).active
    assert ws is not None and ws.title == "By counter"
    headings = [cell.value for cell in ws[4]]
    assert headings[0] == "Counter" and headings[13] == "Paused (min)"
    assert (ws["A5"].value, ws["N5"].value, ws["N5"].number_format) == (1, 0, "0.0")
    assert ws["A2"].value == "From 2026-03-02 to 2026-03-03"


def rows(answer: Any) -> list[list[str]]:
    body = answer.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with the byte order mark
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_in_vietnamese_and_english(client: FlaskClient, world: World, two_days: None) -> None:
    vietnamese = get(client, world, "/stats", by="field", format="csv")
    assert vietnamese.mimetype == "text/csv"
    assert vietnamese.headers["Content-Disposition"] == (
        'attachment; filename="thong-ke-field-2026-03-02-2026-03-03.csv"')
    table = rows(vietnamese)
    assert table[0] == HEADINGS_VI
    assert table[1] == ["CT", "1", "1", "0", "0", "0", "2.00", "2.00", "2.00", "2.00", "2.00",
                        "2.00", "100.0", "1", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0",
                        "0.0"]
    assert table[2][:9] == ["HT", "3", "1", "1", "0", "0", "2.00", "2.00", "2.80"]
    english = rows(get(client, world, "/stats", by="field", format="csv", lang="en"))
    assert english[0] == HEADINGS_EN and english[1:] == table[1:]
    assert rows(get(client, world, "/stats", by="hour", format="csv"))[0][0] == "Giờ"
    assert rows(get(client, world, "/stats", by="weekday", format="csv", lang="en"))[1][0] == "1"


def test_cells_that_look_like_formulas_stay_text(client: FlaskClient, world: World) -> None:
    admin = world.headers("admin")
    assert client.patch("/api/v1/centre", json={"name": "=HYPERLINK(\"http://x\")"},
                        headers=admin).status_code == 200
    assert client.post("/api/v1/users", json={"username": "@canbo", "role": "officer",
                                              "password": "mật-khẩu-dài"}, headers=admin).status_code == 201
    token = client.post("/api/v1/users/@canbo/tokens", headers=admin).get_json()["token"]
    world.tokens["@canbo"] = token
    issue(client, world, "DD")
    post(client, world, "@canbo", "/counters/3/open")
    post(client, world, "@canbo", "/counters/3/call-next")
    table = rows(get(client, world, "/stats", by="officer", format="csv"))
    assert table[1][0] == "'@canbo"
    answer = get(client, world, "/stats", by="officer", format="xlsx")
    ws = load_workbook(io.BytesIO(answer.get_data())).active
    assert ws is not None
    assert (ws["A1"].value, ws["A1"].data_type) == ('=HYPERLINK("http://x")', "s")
    assert ws["A5"].value == "@canbo"
    with zipfile.ZipFile(io.BytesIO(answer.get_data())) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere


@pytest.fixture
def transferred(client: FlaskClient, world: World, clock: Clock) -> dict[str, Any]:
    """09:00 A001 (HT) issued; 09:01 called at counter 1, record R-1; 09:02 transferred to CT;
    09:06 called at counter 2 (wait 360 from the first issue), record R-2 and R-1 again; 09:10
    finished (240 from the call), rated satisfied. B001 (CT) waits."""
    first = issue(client, world, "HT")
    post(client, world, "officer1", "/counters/1/open")
    post(client, world, "officer2", "/counters/2/open")
    clock.advance(60)
    post(client, world, "officer1", "/counters/1/call-next")
    post(client, world, "officer1", f"/tickets/{first['id']}/records", {"codes": ["R-1"]})
    clock.advance(60)
    copy = post(client, world, "officer1", "/counters/1/transfer", {"field": "CT"}).get_json()
    clock.advance(240)
    assert post(client, world, "officer2", "/counters/2/call-next").get_json()["id"] == copy["id"]
    post(client, world, "officer2", f"/tickets/{copy['id']}/records", {"codes": ["R-2", "R-1"]})
    clock.advance(240)
    post(client, world, "officer2", "/counters/2/finish")
    post(client, world, "tablet2", "/ratings", {"ticket": copy["id"], "level": "satisfied"})
    issue(client, world, "CT")
    return copy


def test_tickets_export_carries_record_codes_through_a_transfer(
        client: FlaskClient, world: World, transferred: dict[str, Any]) -> None:
    answer = get(client, world, "/stats/tickets")
    schemas.StatsTicketsOut.model_validate(answer.get_json())
    found = answer.get_json()["rows"]
    assert found == [
        {"number": "A001", "service_day": "2026-03-02", "field": "CT", "counter": 2,
         "officer": "officer2", "status": "done", "issued_at": "2026-03-02T09:00:00+07:00",
         "called_at": "2026-03-02T09:06:00+07:00", "finished_at": "2026-03-02T09:10:00+07:00",
         "wait_s": 360.0, "service_s": 240.0, "records": ["R-1", "R-2"], "rating": "satisfied"},
        {"number": "B001", "service_day": "2026-03-02", "field": "CT", "counter": None,
         "officer": None, "status": "waiting", "issued_at": "2026-03-02T09:10:00+07:00",
         "called_at": None, "finished_at": None, "wait_s": None, "service_s": None,
         "records": [], "rating": None},
    ]
    assert get(client, world, "/stats/tickets", counter="2").get_json()["rows"] == found[:1]
    assert get(client, world, "/stats/tickets", field="HT").get_json()["rows"] == []
    table = rows(get(client, world, "/stats/tickets", format="csv"))
    assert table[0] == ["Số", "Ngày", "Lĩnh vực", "Quầy", "Cán bộ", "Trạng thái", "Cấp lúc",
                        "Gọi lúc", "Xong lúc", "Chờ (phút)", "Phục vụ (phút)", "Mã hồ sơ", "Đánh giá"]
    assert table[1] == ["A001", "2026-03-02", "CT", "2", "officer2", "Đã xong", "2026-03-02 09:00:00",
                        "2026-03-02 09:06:00", "2026-03-02 09:10:00", "6.00", "4.00", "R-1, R-2",
                        "Hài lòng"]
    english = rows(get(client, world, "/stats/tickets", format="csv", lang="en"))
    assert english[0][:3] == ["Number", "Day", "Field"] and english[1][5] == "Done"
    xlsx = get(client, world, "/stats/tickets", format="xlsx")
    assert xlsx.headers["Content-Disposition"] == (
        'attachment; filename="so-thu-tu-2026-03-02-2026-03-03.xlsx"')
    ws = load_workbook(io.BytesIO(xlsx.get_data())).active
    assert ws is not None and ws.title == "Danh sách số" and ws.freeze_panes == "B5"
    assert [cell.value for cell in ws[5]] == [
        "A001", datetime(2026, 3, 2), "CT", 2, "officer2", "Đã xong", datetime(2026, 3, 2, 9, 0),
        datetime(2026, 3, 2, 9, 6), datetime(2026, 3, 2, 9, 10), 6.0, 4.0, "R-1, R-2", "Hài lòng"]
    assert ws["G5"].number_format == "yyyy-mm-dd hh:mm:ss" and ws["J5"].number_format == "0.0"
    assert ws["H6"].value is None


def test_too_many_tickets_is_refused(client: FlaskClient, world: World,
                                     transferred: dict[str, Any],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read_stats, "MAX_TICKET_ROWS", 1)
    for form in ("json", "csv", "xlsx"):
        answer = client.get("/api/v1/stats/tickets", query_string={**RANGE, "format": form},
                            headers=world.headers("manager"))
        assert answer.status_code == 400
        schemas.ErrorOut.model_validate(answer.get_json())
        assert answer.get_json()["error"]["code"] == "too_many_rows"
        assert "1" in answer.get_json()["error"]["message"]
    one_day = client.get("/api/v1/stats/tickets", query_string={**RANGE, "counter": "2"},
                         headers=world.headers("manager"))
    assert one_day.status_code == 200 and len(one_day.get_json()["rows"]) == 1


def test_the_workbook_has_a_sheet_per_grouping(client: FlaskClient, world: World,
                                               two_days: None) -> None:
    answer = get(client, world, "/stats/workbook", lang="en")
    assert answer.mimetype == XLSX
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="bao-cao-2026-03-02-2026-03-03.xlsx"')
    book = load_workbook(io.BytesIO(answer.get_data()))
    assert book.sheetnames == ["By field", "By counter", "By officer", "By day", "By week",
                               "By month", "By quarter", "By hour", "By weekday", "By procedure"]
    by_field = book["By field"]
    assert [cell.value for cell in by_field[4]] == HEADINGS_EN
    assert [cell.value for cell in by_field[5]][:3] == CT[:3]  # the same figures as /stats
    by_quarter = book["By quarter"]
    assert (by_quarter["A5"].value, by_quarter["B5"].value) == ("2026-Q1", 4)
    assert all(sheet.freeze_panes == "B5" for sheet in book)
