"""Two languages: the English catalogues cover every message the code shows, the API answers
in the language of Accept-Language (Vietnamese by default), and dates read as Vietnamese
writes them."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient

from hall.web import catalogue
from hall.web.i18n import format_day
from tests.factories import World
from tests.test_api import check_error

EN = {"Accept-Language": "en-GB,en;q=0.9"}
VI = {"Accept-Language": "vi-VN,vi;q=0.9"}


def test_the_catalogues_are_complete_and_compiled() -> None:
    assert catalogue.problems() == []


def test_extraction_finds_an_engine_error_without_a_marker() -> None:
    found = {f.message for f in catalogue.extract() if f.domain == "messages"}
    assert "Lĩnh vực đang tạm ngừng nhận số" in found  # a class's own message
    assert "Mỗi số gắn tối đa %(n)s mã hồ sơ" in found  # raise Invalid("…", n=…)
    assert "thiếu giá trị bắt buộc" in found  # a pydantic problem, by N_()


def test_an_untranslated_message_is_reported(monkeypatch: object) -> None:
    real = catalogue.extract

    def more() -> list[catalogue.Found]:
        return [*real(), catalogue.Found("messages", "Một câu mới chưa dịch", "hall/x.py:1")]

    monkeypatch.setattr(catalogue, "extract", more)  # type: ignore[attr-defined]
    said = catalogue.problems()
    assert any("Một câu mới chưa dịch" in line and "not in the catalogue" in line for line in said)


def _error(answer: object) -> str:
    return str(answer.get_json()["error"]["message"])  # type: ignore[attr-defined]


def test_errors_follow_accept_language(client: FlaskClient, world: World) -> None:
    for headers, expected in ((EN, "No such field"), (VI, "Lĩnh vực không tồn tại"),
                              ({}, "Lĩnh vực không tồn tại")):
        answer = client.post("/api/v1/tickets", json={"field": "NOPE"},
                             headers=world.headers("kiosk", **headers))
        check_error(answer, 404, "unknown_field")
        assert _error(answer) == expected
        assert answer.headers["Content-Language"] == (expected == "No such field" and "en" or "vi")
        assert "Accept-Language" in answer.headers["Vary"]


def test_validation_errors_have_no_english_inside_vietnamese(client: FlaskClient,
                                                            world: World) -> None:
    body = {"field": "HT", "surprise": 1}
    vi = client.post("/api/v1/tickets", json=body, headers=world.headers("kiosk"))
    en = client.post("/api/v1/tickets", json=body, headers=world.headers("kiosk", **EN))
    check_error(vi, 400, "invalid_body")
    check_error(en, 400, "invalid_body")
    assert _error(vi) == "Dữ liệu không hợp lệ ở 'surprise': trường này không có trong tài liệu API"
    assert _error(en) == "Invalid data at 'surprise': this field is not in the API document"
    assert "permitted" not in _error(vi)
    long_name = {"code": "X1", "name": "x" * 500}
    en = client.post("/api/v1/fields", json=long_name, headers=world.headers("admin", **EN))
    check_error(en, 400, "invalid_body")
    assert _error(en) == "Invalid data at 'name': longer than 200 characters"


def test_a_message_with_values_is_filled_in_after_translation(client: FlaskClient,
                                                             world: World) -> None:
    answer = client.post("/api/v1/counters/1/call", json={"number": "Z999"},
                         headers=world.headers("officer1", **EN))
    if answer.status_code == 409:  # the officer has to open the counter first
        client.post("/api/v1/counters/1/open", headers=world.headers("officer1"))
        answer = client.post("/api/v1/counters/1/call", json={"number": "Z999"},
                             headers=world.headers("officer1", **EN))
    check_error(answer, 404, "unknown_ticket")
    assert _error(answer) == "There is no number Z999 today"


def test_import_row_errors_in_english(client: FlaskClient, world: World) -> None:
    data = "code,name\nHT,Hộ tịch lặp\nbad code!,Tên\n".encode()
    answer = client.post("/api/v1/fields/import", query_string={"save": "0"}, data=data,
                         content_type="text/csv", headers=world.headers("admin", **EN))
    assert answer.status_code == 200, answer.get_json()
    errors = [e for row in answer.get_json()["rows"] for e in row["errors"]]
    assert "code HT already exists in the centre" in errors
    assert any(e.startswith("the code must be 1–32 characters") for e in errors)


def test_http_errors_in_english(client: FlaskClient, world: World) -> None:
    answer = client.delete("/api/v1/queue", headers=world.headers("admin", **EN))
    check_error(answer, 405, "method_not_allowed")
    assert _error(answer) == "Method not allowed"
    answer = client.get("/api/v1/queue", headers=EN)
    check_error(answer, 401, "unauthorized")
    assert _error(answer) == "Missing or invalid token"


def test_weekday_names_as_vietnamese_writes_them() -> None:
    assert format_day(date(2026, 11, 29), "vi") == "Chủ nhật, 29/11/2026"
    assert format_day(date(2026, 11, 30), "vi") == "Thứ Hai, 30/11/2026"
    assert format_day(date(2026, 11, 29), "en") == "Sunday, 29 November 2026"


def test_a_number_that_no_longer_waits_is_explained_in_words(client: FlaskClient,
                                                            world: World) -> None:
    ticket = client.post("/api/v1/tickets", json={"field": "HT"},
                         headers=world.headers("kiosk")).get_json()
    for action in ("open", "call-next", "no-show"):
        assert client.post(f"/api/v1/counters/1/{action}",
                           headers=world.headers("officer1")).status_code == 200
    for headers, said in ((EN, f"Number {ticket['number']} was marked as a no-show"),
                          ({}, f"Số {ticket['number']} đã được ghi vắng mặt")):
        answer = client.post("/api/v1/counters/1/call", json={"number": ticket["number"]},
                             headers=world.headers("officer1", **headers))
        check_error(answer, 409, "wrong_state")
        assert _error(answer) == said


def test_a_regional_vietnamese_first_is_vietnamese(client: FlaskClient, world: World) -> None:
    for accept, expected in (("vi-VN,en;q=0.8", "Lĩnh vực không tồn tại"),
                             ("en-US,vi;q=0.5", "No such field"), ("fr-FR,de", "Lĩnh vực không tồn tại"),
                             ("fr;q=0.9,en-GB;q=0.8", "No such field")):
        answer = client.post("/api/v1/tickets", json={"field": "NOPE"},
                             headers=world.headers("kiosk", **{"Accept-Language": accept}))
        assert _error(answer) == expected, accept
