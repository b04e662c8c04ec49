"""Procedures (thủ tục hành chính): kept by admins, imported from the province's file with a
preview and per-row errors, found without regard to case or diacritics, and named by tickets
(the whole ticket only: what a citizen came for is not on the public ticket)."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook

from tests.factories import World

BIRTH = {"field": "HT", "name": "Đăng ký khai sinh", "level": "commune",
         "time_limit": "Ngay trong ngày làm việc", "fees": 0,
         "papers": [{"name": "Tờ khai đăng ký khai sinh", "original": True, "copies": 1},
                    {"name": "Giấy chứng sinh", "original": True}],
         "online": "full", "portal_url": "https://dichvucong.gov.vn"}
COPY = {"field": "CT", "name": "Chứng thực bản sao từ bản chính", "code": "2.000815",
        "fees": 2000, "fee_note": "đồng/trang"}


def add(client: FlaskClient, world: World, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post("/api/v1/procedures", json=body, headers=world.headers("admin"))
    assert answer.status_code == 201, answer.get_json()
    return dict(answer.get_json())


def names(client: FlaskClient, world: World, query: str, token: str = "kiosk") -> list[str]:
    answer = client.get("/api/v1/procedures", query_string={"q": query}, headers=world.headers(token))
    assert answer.status_code == 200, answer.get_json()
    return [p["name"] for p in answer.get_json()]


def test_search_ignores_case_and_diacritics(client: FlaskClient, world: World) -> None:
    add(client, world, BIRTH)
    add(client, world, {"field": "HT", "name": "Đăng ký kết hôn"})
    add(client, world, COPY)
    for query in ("khai sinh", "dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "  Khai   SINH "):
        assert names(client, world, query) == ["Đăng ký khai sinh"], query
    assert names(client, world, "ĐĂNG KÝ") == ["Đăng ký khai sinh", "Đăng ký kết hôn"]
    assert names(client, world, "đăng") == names(client, world, "dang")
    assert names(client, world, "2.000815") == ["Chứng thực bản sao từ bản chính"]  # by code
    assert len(names(client, world, "")) == 3  # an empty query lists them all
    assert names(client, world, "kết hôn khai sinh") == []  # every word must be there
    assert names(client, world, "100%_") == []  # LIKE's wildcards are letters here
    by_field = client.get("/api/v1/procedures?field=CT", headers=world.headers("display"))
    assert [p["code"] for p in by_field.get_json()] == ["2.000815"]


def test_a_procedure_as_listed(client: FlaskClient, world: World) -> None:
    made = add(client, world, BIRTH)
    assert made["field"] == {"code": "HT", "name": "Hộ tịch", "name_en": ""}
    assert made["papers"][1] == {"name": "Giấy chứng sinh", "original": True, "copies": 1}
    assert (made["fees"], made["online"], made["code"], made["visible"]) == (0, "full", None, True)
    one = client.get(f"/api/v1/procedures/{made['id']}", headers=world.headers("kiosk"))
    assert one.get_json() == made


def test_bad_procedures_are_refused_and_change_nothing(client: FlaskClient, world: World) -> None:
    add(client, world, COPY)
    headers = world.headers("admin")
    duplicate = client.post("/api/v1/procedures", json={**COPY, "name": "Khác"}, headers=headers)
    assert duplicate.status_code == 409 and duplicate.get_json()["error"]["code"] == "duplicate_code"
    for body, code in (({**BIRTH, "field": "NOPE"}, "unknown_field"),
                       ({**BIRTH, "fees": -1}, "invalid_body"),
                       ({**BIRTH, "online": "sometimes"}, "invalid_body"),
                       ({**BIRTH, "portal_url": "javascript:alert(1)"}, "invalid_body"),
                       ({**BIRTH, "name": "\u200b"}, "invalid_body")):
        answer = client.post("/api/v1/procedures", json=body, headers=headers)
        assert answer.status_code == 400 and answer.get_json()["error"]["code"] == code, body
    assert client.post("/api/v1/procedures", json=BIRTH,
                       headers=world.headers("officer1")).status_code == 403
    assert len(names(client, world, "")) == 1


def test_hidden_procedures_are_for_admins(client: FlaskClient, world: World) -> None:
    made = add(client, world, {**BIRTH, "visible": False})
    assert names(client, world, "") == []
    assert client.get(f"/api/v1/procedures/{made['id']}", headers=world.headers("kiosk")).status_code == 404
    assert client.get("/api/v1/procedures?hidden=1", headers=world.headers("kiosk")).status_code == 403
    listed = client.get("/api/v1/procedures?hidden=1", headers=world.headers("admin")).get_json()
    assert [p["id"] for p in listed] == [made["id"]]
    shown = client.put(f"/api/v1/procedures/{made['id']}", json={**BIRTH, "visible": True},
                       headers=world.headers("admin"))
    assert shown.status_code == 200 and names(client, world, "") == ["Đăng ký khai sinh"]


def test_a_ticket_for_a_procedure(client: FlaskClient, world: World) -> None:
    birth = add(client, world, BIRTH)
    kiosk = world.headers("kiosk", **{"Idempotency-Key": "tap-1"})
    issued = client.post("/api/v1/tickets", json={"procedure": birth["id"]}, headers=kiosk)
    assert issued.status_code == 201, issued.get_json()
    ticket = issued.get_json()
    assert ticket["field"]["code"] == "HT" and ticket["number"].startswith("A")
    assert ticket["procedure"] == {"id": birth["id"], "name": "Đăng ký khai sinh", "name_en": ""}
    # the same tap again: the same ticket, even once the procedure is hidden (no new one is
    # issued for a hidden procedure); the same key for another field: refused
    hidden = {**BIRTH, "visible": False}
    assert client.put(f"/api/v1/procedures/{birth['id']}", json=hidden,
                      headers=world.headers("admin")).status_code == 200
    again = client.post("/api/v1/tickets", json={"procedure": birth["id"]}, headers=kiosk)
    assert again.status_code == 200 and again.get_json()["id"] == ticket["id"]
    fresh = client.post("/api/v1/tickets", json={"procedure": birth["id"]},
                        headers=world.headers("kiosk", **{"Idempotency-Key": "tap-2"}))
    assert fresh.status_code == 404 and fresh.get_json()["error"]["code"] == "unknown_procedure"
    assert client.post("/api/v1/tickets", json={"field": "CT"}, headers=kiosk).status_code == 422
    assert client.put(f"/api/v1/procedures/{birth['id']}", json=BIRTH,
                      headers=world.headers("admin")).status_code == 200
    # what a screen or another citizen sees of it does not say what the citizen came for
    public = client.get(f"/api/v1/tickets/{ticket['id']}", headers=world.headers("display"))
    assert "procedure" not in public.get_json()
    queue = client.get("/api/v1/queue", headers=world.headers("display")).get_data(as_text=True)
    assert "khai sinh" not in queue
    own = client.get(f"/api/v1/tickets/{ticket['id']}",
                     headers={"Authorization": f"Bearer {ticket['track_url'].rsplit('/', 1)[1]}"})
    assert own.get_json()["procedure"]["id"] == birth["id"]
    # the phone reads the papers of its own ticket's procedure, and no other procedure
    citizen = {"Authorization": f"Bearer {ticket['track_url'].rsplit('/', 1)[1]}"}
    papers = client.get(f"/api/v1/procedures/{birth['id']}", headers=citizen)
    assert papers.status_code == 200 and len(papers.get_json()["papers"]) == 2
    other = add(client, world, {"field": "HT", "name": "Đăng ký kết hôn"})
    assert client.get(f"/api/v1/procedures/{other['id']}", headers=citizen).status_code == 404
    assert client.get("/api/v1/procedures", headers=citizen).status_code in (401, 403)


def test_a_procedure_ticket_is_refused_when_it_does_not_hold(client: FlaskClient, world: World) -> None:
    birth = add(client, world, BIRTH)
    hidden = add(client, world, {**COPY, "visible": False})
    kiosk = world.headers("kiosk")
    for body, status, code in (
            ({"procedure": birth["id"], "field": "CT"}, 400, "procedure_field_mismatch"),
            ({"procedure": 999999}, 404, "unknown_procedure"),
            ({"procedure": hidden["id"]}, 404, "unknown_procedure"),
            ({}, 400, "invalid_body")):
        answer = client.post("/api/v1/tickets", json=body, headers=kiosk)
        assert (answer.status_code, answer.get_json()["error"]["code"]) == (status, code), body
    waiting = client.get("/api/v1/queue", headers=kiosk).get_json()["fields"]
    assert sum(f["waiting"] for f in waiting) == 0  # nothing was issued


def test_the_officer_changes_the_procedure(client: FlaskClient, world: World) -> None:
    birth = add(client, world, BIRTH)
    marriage = add(client, world, {"field": "HT", "name": "Đăng ký kết hôn"})
    copy = add(client, world, COPY)
    ticket = client.post("/api/v1/tickets", json={"procedure": birth["id"]},
                         headers=world.headers("kiosk")).get_json()
    officer = world.headers("officer1")
    assert client.post("/api/v1/counters/1/open", headers=officer).status_code == 200
    changed = client.patch(f"/api/v1/tickets/{ticket['id']}", json={"procedure": marriage["id"]},
                           headers=officer)
    assert changed.status_code == 200 and changed.get_json()["procedure"]["name"] == "Đăng ký kết hôn"
    other = client.patch(f"/api/v1/tickets/{ticket['id']}", json={"procedure": copy["id"]},
                         headers=officer)
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "procedure_of_another_field"
    cleared = client.patch(f"/api/v1/tickets/{ticket['id']}", json={"procedure": None}, headers=officer)
    assert cleared.get_json()["procedure"] is None
    assert client.patch(f"/api/v1/tickets/{ticket['id']}", json={"procedure": birth["id"]},
                        headers=world.headers("kiosk")).status_code == 403


# --- import ---------------------------------------------------------------------------------

HEADINGS = ["Lĩnh vực", "Mã thủ tục", "Tên thủ tục", "Cấp thực hiện", "Thời hạn giải quyết",
            "Lệ phí", "Thành phần hồ sơ", "Trực tuyến", "Đường dẫn"]
GOOD = [
    ["HT", "", "Đăng ký khai sinh", "Cấp xã", "Ngay trong ngày", "Miễn phí",
     "Tờ khai đăng ký khai sinh | bản chính | 1\nGiấy chứng sinh | bản chính", "Toàn trình",
     "https://dichvucong.gov.vn"],
    ["CT", "2.000815", "Chứng thực bản sao từ bản chính", "xã", "Trong ngày", "2.000 đồng",
     "Bản chính giấy tờ | bản chính\nBản sao | bản sao | 2", "không", ""],
]


def csv_of(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    for row in [HEADINGS, *rows]:
        out.write(",".join('"' + cell.replace('"', '""') + '"' for cell in row) + "\r\n")
    return out.getvalue().encode("utf-8-sig")


def xlsx_of(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADINGS, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: FlaskClient, world: World, data: bytes, kind: str, save: str) -> Any:
    mimetype = "text/csv" if kind == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return client.post(f"/api/v1/procedures/import?save={save}", data=data,
                       headers={**world.headers("admin"), "Content-Type": mimetype})


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_import_previews_then_saves_and_updates(client: FlaskClient, world: World, kind: str) -> None:
    make = csv_of if kind == "csv" else xlsx_of
    preview = upload(client, world, make(GOOD), kind, "0")
    assert preview.status_code == 200, preview.get_json()
    body = preview.get_json()
    assert body["ok"] and not body["saved"] and (body["added"], body["updated"]) == (2, 0)
    assert [(r["field"], r["fees"], r["papers"], r["online"]) for r in body["rows"]] == [
        ("HT", 0, 2, "full"), ("CT", 2000, 2, "none")]
    assert names(client, world, "") == []  # a preview saves nothing
    saved = upload(client, world, make(GOOD), kind, "1")
    assert saved.status_code == 201 and saved.get_json()["saved"]
    listed = client.get("/api/v1/procedures", headers=world.headers("kiosk")).get_json()
    copy = next(p for p in listed if p["code"] == "2.000815")
    assert copy["papers"][1] == {"name": "Bản sao", "original": False, "copies": 2}
    # the province publishes again: same procedures, one changed; found by code, or by
    # field and name when there is none; nothing is added twice
    changed = [GOOD[0][:5] + ["5.000", *GOOD[0][6:]], GOOD[1][:4] + ["02 ngày", *GOOD[1][5:]]]
    again = upload(client, world, make(changed), kind, "1").get_json()
    assert (again["added"], again["updated"]) == (0, 2)
    listed = client.get("/api/v1/procedures", headers=world.headers("kiosk")).get_json()
    assert len(listed) == 2
    assert {p["name"]: (p["fees"], p["time_limit"]) for p in listed} == {
        "Đăng ký khai sinh": (5000, "Ngay trong ngày"),
        "Chứng thực bản sao từ bản chính": (2000, "02 ngày")}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_import_shows_each_rows_error_and_saves_nothing(client: FlaskClient, world: World,
                                                        kind: str) -> None:
    make = csv_of if kind == "csv" else xlsx_of
    bad = [*GOOD,
           GOOD[1],  # the same code again
           ["", "", "Không có lĩnh vực", "", "", "", "", "", ""],
           ["HT", "", "Lệ phí sai", "", "", "hai nghìn", "", "", ""],
           ["HT", "", "Đường dẫn sai", "", "", "", "", "", "ftp://x"],
           ["HT", "", "Giấy tờ sai", "", "", "", "Tờ khai | bản nháp", "", ""]]
    answer = upload(client, world, make(bad), kind, "1")
    assert answer.status_code == 422
    rows = answer.get_json()["rows"]
    assert [bool(r["errors"]) for r in rows] == [False, False, True, True, True, True, True]
    assert "lặp lại dòng 3" in rows[2]["errors"][0]
    assert "thiếu lĩnh vực" in rows[3]["errors"][0]
    assert "lệ phí" in rows[4]["errors"][0]
    assert "http" in rows[5]["errors"][0]
    assert "giấy tờ" in rows[6]["errors"][0]
    assert names(client, world, "") == []
    english = client.post("/api/v1/procedures/import?save=0", data=make(bad), headers={
        **world.headers("admin"), "Accept-Language": "en",
        "Content-Type": "text/csv" if kind == "csv" else
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    assert "field" in english.get_json()["rows"][3]["errors"][0].lower()


def test_search_of_two_thousand(app: Flask, client: FlaskClient, world: World) -> None:
    """A province's list: every word of the query still narrows it (timing is in bench/)."""
    rows = [["HT" if n % 2 else "CT", f"9.{n:06d}", f"Thủ tục số {n} về đăng ký hộ tịch lần {n % 7}",
             "", "", "", "", "", ""] for n in range(2000)]
    assert upload(client, world, csv_of(rows), "csv", "1").status_code == 201
    assert len(names(client, world, "")) == 2000
    assert names(client, world, "thu tuc so 1999") == ["Thủ tục số 1999 về đăng ký hộ tịch lần 4"]
    assert len(names(client, world, "HO TICH")) == 2000
    assert len(names(client, world, "so 199")) == 12  # 199, 1199, 1990–1999: as typed


def test_statistics_by_procedure(client: FlaskClient, world: World) -> None:
    birth = add(client, world, BIRTH)
    marriage = add(client, world, {"field": "HT", "name": "Đăng ký kết hôn"})
    kiosk, officer = world.headers("kiosk"), world.headers("officer1")
    for procedure in (birth, birth, marriage):
        client.post("/api/v1/tickets", json={"procedure": procedure["id"]}, headers=kiosk)
    client.post("/api/v1/tickets", json={"field": "HT"}, headers=kiosk)  # named none
    client.post("/api/v1/counters/1/open", headers=officer)
    for _ in range(4):
        client.post("/api/v1/counters/1/call-next", headers=officer)
        client.post("/api/v1/counters/1/finish", headers=officer)
    day = client.get("/api/v1/tickets/1", headers=officer).get_json()["issued_at"][:10]
    rows = client.get(f"/api/v1/stats?from={day}&to={day}&by=procedure",
                      headers=world.headers("manager")).get_json()["rows"]
    assert [(r["key"], r["issued"], r["served"]) for r in rows] == [
        ("Đăng ký khai sinh", 2, 2), ("Đăng ký kết hôn", 1, 1)]
    sheet = client.get(f"/api/v1/stats?from={day}&to={day}&by=procedure&format=csv",
                       headers={**world.headers("manager"), "Accept-Language": "vi"})
    assert sheet.status_code == 200 and "Thủ tục" in sheet.get_data(as_text=True).splitlines()[0]


def test_reimport_keeps_codes_claims_once_and_tells_levels_apart(client: FlaskClient,
                                                                 world: World) -> None:
    assert upload(client, world, csv_of(GOOD), "csv", "1").status_code == 201
    # the next list without its code column: matched by field and name, the code kept
    uncoded = [GOOD[0], ["CT", "", *GOOD[1][2:4], "03 ngày", *GOOD[1][5:]]]
    again = upload(client, world, csv_of(uncoded), "csv", "1").get_json()
    assert (again["added"], again["updated"]) == (0, 2)
    copy = [p for p in client.get("/api/v1/procedures", headers=world.headers("kiosk")).get_json()
            if p["field"]["code"] == "CT"]
    assert [(p["code"], p["time_limit"]) for p in copy] == [("2.000815", "03 ngày")]
    # one row by its code and another by its name would both change that procedure
    twice = upload(client, world, csv_of([GOOD[1], ["CT", "", *GOOD[1][2:]]]), "csv", "0")
    assert "cùng sửa một thủ tục" in twice.get_json()["rows"][1]["errors"][0]
    # the same name at two levels, or with two codes, is two procedures
    levels = [["CT", "", "Chứng thực chữ ký", "Cấp xã", "", "", "", "", ""],
              ["CT", "", "Chứng thực chữ ký", "Cấp huyện", "", "", "", "", ""],
              ["HT", "1.1", "Đăng ký lại", "", "", "", "", "", ""],
              ["HT", "1.2", "Đăng ký lại", "", "", "", "", "", ""]]
    both = upload(client, world, csv_of(levels), "csv", "1")
    assert both.status_code == 201 and both.get_json()["added"] == 4


def test_an_import_is_one_fields_changed(app: Flask, client: FlaskClient, world: World) -> None:
    """Every kiosk and display reloads on fields.changed: an import of many rows sends one."""
    from hall.web.sockets import socketio

    kiosk = socketio.test_client(app, auth={"token": world.tokens["kiosk"]})
    kiosk.get_received()
    rows = [["HT", "", f"Thủ tục {n}", "", "", "", "", "", ""] for n in range(50)]
    assert upload(client, world, csv_of(rows), "csv", "1").status_code == 201
    names_heard: list[str] = []
    deadline = time.monotonic() + 1.5  # the emit, and queue.changed after it, come by then
    while time.monotonic() < deadline:
        names_heard += [event["name"] for event in kiosk.get_received()]
        time.sleep(0.05)
    assert names_heard.count("fields.changed") == 1
    kiosk.disconnect()


def test_a_transfer_in_the_field_keeps_the_procedure(client: FlaskClient, world: World) -> None:
    birth = add(client, world, BIRTH)
    officer = world.headers("officer1")
    ticket = client.post("/api/v1/tickets", json={"procedure": birth["id"]},
                         headers=world.headers("kiosk")).get_json()
    client.post("/api/v1/counters/1/open", headers=officer)
    assert client.post("/api/v1/counters/1/call-next", headers=officer).get_json()["id"] == ticket["id"]
    moved = client.post("/api/v1/counters/1/transfer", json={"counter": 2}, headers=officer).get_json()
    assert moved["procedure"]["id"] == birth["id"]  # to another counter of the same field
    client.post("/api/v1/counters/2/open", headers=world.headers("officer2"))
    client.post("/api/v1/counters/2/call-next", headers=world.headers("officer2"))
    elsewhere = client.post("/api/v1/counters/2/transfer", json={"field": "CT"},
                            headers=world.headers("officer2")).get_json()
    assert elsewhere["procedure"] is None  # another field: its procedure no longer holds


def test_procedures_of_one_name_are_told_apart_in_statistics(client: FlaskClient,
                                                             world: World) -> None:
    first = add(client, world, {"field": "HT", "name": "Đăng ký lại", "code": "1.1"})
    second = add(client, world, {"field": "CT", "name": "Đăng ký lại"})
    kiosk, officer = world.headers("kiosk"), world.headers("officer1")
    for procedure in (first, second):
        client.post("/api/v1/tickets", json={"procedure": procedure["id"]}, headers=kiosk)
    day = client.get("/api/v1/tickets/1", headers=officer).get_json()["issued_at"][:10]
    rows = client.get(f"/api/v1/stats?from={day}&to={day}&by=procedure",
                      headers=world.headers("manager")).get_json()["rows"]
    assert [(r["key"], r["issued"]) for r in rows] == [("Đăng ký lại (CT)", 1),
                                                      ("Đăng ký lại (HT, 1.1)", 1)]
