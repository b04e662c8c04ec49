"""Importing fields from a CSV or Excel file: a preview with every row's errors, nothing
saved while any row has one, then all created at once (kiosks told)."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from openpyxl import Workbook

from hall.engine.imports import XLSX
from tests.factories import World
from tests.test_api import check_error

GOOD = ("\ufeffMã;Tên;Tên tiếng Anh;Tiền tố;Chờ mục tiêu (phút);Tối đa/ngày\n"
        "TP;Tư pháp;Justice;T;20;\n"
        "LDTBXH;Lao động - Thương binh và Xã hội;;;;120\n").encode()
BAD = ("code,name,prefix,target_wait_min\n"
       "XD,Xây dựng,,15\n"
       "HT,Hộ tịch lần nữa,,15\n"        # a code the centre has
       "X D,Tên,,15\n"                     # a code with a space
       "GT,Giao thông,G1,abc\n"            # a prefix with a digit, a wait that is not a number
       "XD,Xây dựng 2,,\n").encode()      # the same code twice in the file


def send(client: FlaskClient, world: World, data: bytes, save: bool = False,
         mimetype: str = "text/csv") -> object:
    return client.post("/api/v1/fields/import", query_string={"save": "1" if save else "0"},
                       data=data, headers={**world.headers("admin"), "Content-Type": mimetype})


def codes(client: FlaskClient, world: World) -> list[str]:
    return [f["code"] for f in client.get("/api/v1/fields", headers=world.headers("admin")).get_json()]


def test_a_file_with_bad_rows_is_shown_and_not_saved(client: FlaskClient, world: World) -> None:
    before = codes(client, world)
    preview = send(client, world, BAD)
    body = preview.get_json()  # type: ignore[attr-defined]
    assert preview.status_code == 200 and body["ok"] is False and body["saved"] is False  # type: ignore[attr-defined]
    errors = {row["row"]: row["errors"] for row in body["rows"]}
    assert errors[2] == []
    assert "đã có" in errors[3][0] and "mã phải" in errors[4][0]
    assert any("tiền tố" in e for e in errors[5]) and any("chờ mục tiêu" in e for e in errors[5])
    assert "lặp lại dòng 2" in errors[6][0]
    saved = send(client, world, BAD, save=True)
    assert saved.status_code == 422 and saved.get_json()["saved"] is False  # type: ignore[attr-defined]
    assert codes(client, world) == before  # nothing saved, not even the good row


def test_a_good_csv_creates_every_field(client: FlaskClient, world: World) -> None:
    preview = send(client, world, GOOD).get_json()  # type: ignore[attr-defined]
    assert preview["ok"] and [r["code"] for r in preview["rows"]] == ["TP", "LDTBXH"]
    saved = send(client, world, GOOD, save=True)
    assert saved.status_code == 201 and saved.get_json()["saved"] is True  # type: ignore[attr-defined]
    fields = {f["code"]: f for f in client.get("/api/v1/fields",
                                               headers=world.headers("admin")).get_json()}
    assert fields["TP"]["prefix"] == "T" and fields["TP"]["target_wait_s"] == 1200
    assert fields["TP"]["name_en"] == "Justice"
    assert fields["LDTBXH"]["name"] == "Lao động - Thương binh và Xã hội"
    assert fields["LDTBXH"]["daily_capacity"] == 120 and fields["LDTBXH"]["prefix"]
    again = send(client, world, GOOD).get_json()  # type: ignore[attr-defined]
    assert not again["ok"]  # now their codes are taken


def test_an_excel_file(client: FlaskClient, world: World) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã lĩnh vực", "Tên lĩnh vực", "Chờ mục tiêu (phút)"])
    sheet.append(["KD", "Kinh doanh", 30])
    sheet.append(["DT", "Đầu tư", None])
    data = io.BytesIO()
    book.save(data)
    answer = send(client, world, data.getvalue(), save=True, mimetype=XLSX)
    assert answer.status_code == 201, answer.get_json()  # type: ignore[attr-defined]
    assert {"KD", "DT"} <= set(codes(client, world))


def test_files_that_are_not_lists_of_fields(client: FlaskClient, world: World) -> None:
    check_error(send(client, world, b"PK\x03\x04 not really a workbook", mimetype=XLSX), 400,
                "invalid_file")
    check_error(send(client, world, b"a,b\n1,2\n"), 400, "invalid_file")
    check_error(send(client, world, b""), 400, "invalid_file")
    check_error(send(client, world, "mã,tên\n".encode("utf-16")), 400, "invalid_file")
    check_error(client.post("/api/v1/fields/import", data=GOOD,
                            headers={**world.headers("manager"), "Content-Type": "text/csv"}), 403)


def test_no_two_fields_share_a_prefix(client: FlaskClient, world: World) -> None:
    data = "Mã,Tên,Tiền tố\nP1,Một,\nP2,Hai,D\nP3,Ba,\n".encode()
    preview = send(client, world, data).get_json()  # type: ignore[attr-defined]
    assert preview["ok"], preview
    given = [row["prefix"] for row in preview["rows"]]
    assert given[1] == "D" and len(set(given)) == 3 and "A" not in given  # A-C are taken
    assert send(client, world, data, save=True).status_code == 201  # type: ignore[attr-defined]
    prefixes = [f["prefix"] for f in client.get("/api/v1/fields",
                                                headers=world.headers("admin")).get_json()]
    assert len(prefixes) == len(set(prefixes))
    check_error(client.post("/api/v1/fields", json={"code": "P4", "name": "Bốn", "prefix": "D"},
                            headers=world.headers("admin")), 409, "duplicate_prefix")
