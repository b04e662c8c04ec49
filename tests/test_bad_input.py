"""Bad input gets docs/api.md's 4xx error body, never a 500, and changes nothing.

Every test runs on SQLite and, when HALL_TEST_DATABASE_URL is set, on PostgreSQL too: it
refuses NUL in text outright, so a NUL that reaches a query is a server error there only.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote
from urllib.parse import urlencode

import flask
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.engine import Engine

from hall.api import schemas
from hall.api.spec import OPERATIONS
from hall.api.spec import Operation
from hall.api.spec import openapi_document
from hall.engine import text
from hall.models import Base
from hall.models import User
from hall.store.db import session_scope
from hall.web import logins
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import PASSWORD
from tests.factories import World
from tests.factories import build_world
from tests.factories import issue
from tests.factories import post

Snapshot = dict[str, list[tuple[Any, ...]]]
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.fixture(params=["sqlite", "postgres"])
def db_app(request: pytest.FixtureRequest, clock: Clock) -> Iterator[Flask]:
    """The app on SQLite, then on a fresh PostgreSQL database (skipped without one)."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    app = make_app(url, clock)
    yield app
    for engine in {id(e): e for e in app.extensions.values() if isinstance(e, Engine)}.values():
        engine.dispose()


@pytest.fixture
def http(db_app: Flask) -> FlaskClient:
    return db_app.test_client()


@pytest.fixture
def hall(db_app: Flask, clock: Clock, http: FlaskClient) -> tuple[World, dict[str, Any]]:
    """The test world with one ticket called at counter 1 by officer1, and one waiting."""
    world = build_world(db_app, clock.now)
    called = issue(http, world, "HT")
    issue(http, world, "HT")
    assert post(http, world, "officer1", "/counters/1/open").status_code == 200
    assert post(http, world, "officer1", "/counters/1/call-next").get_json()["id"] == called["id"]
    return world, called


def snapshot(app: Flask) -> Snapshot:
    """Every row of every table: a refused request must leave all of them as they were."""
    with session_scope(app) as session:
        return {table.name: sorted((tuple(row) for row in session.execute(select(table))), key=repr)
                for table in Base.metadata.sorted_tables}


def check_error(response: Any, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    schemas.ErrorOut.model_validate(body)
    if code is not None:
        assert body["error"]["code"] == code, body


def call(client: FlaskClient, world: World, who: str, method: str, path: str, body: Any = None,
         **headers: str) -> Any:
    return client.open(f"/api/v1{path}", method=method, json=body, headers=world.headers(who, **headers))


# Control characters a one-line text refuses; a multi-line one (a rating's comment) keeps \n, \t.
LINE_BAD = ["a\x00b", "\x00", "a\x01", "a\x1b[31m", "a\x7f", "a\nb", "a\tb"]
TEXT_BAD = ["a\x00b", "a\x01", "a\x1b[31m", "a\x7f"]

# (who, method, path, body made from the text under test, a clean text the same body accepts)
Case = tuple[str, str, str, Callable[[str], Any], str]
BODY_CASES: list[Case] = [
    ("admin", "POST", "/fields", lambda v: {"code": "NEW1", "name": v}, "Mới"),
    ("admin", "POST", "/fields", lambda v: {"code": "NEW2", "name": "Mới", "name_en": v}, "New"),
    ("admin", "POST", "/fields", lambda v: {"code": "NEW3", "name": "Mới", "icon": v}, "star"),
    ("admin", "POST", "/fields", lambda v: {"code": v, "name": "Mới"}, "NEW4"),
    ("admin", "POST", "/counters", lambda v: {"number": 7, "name": v, "fields": ["HT"]}, "Quầy 7"),
    ("admin", "POST", "/counters", lambda v: {"number": 8, "fields": [v]}, "CT"),
    ("admin", "POST", "/devices", lambda v: {"kind": "kiosk", "name": v}, "Ki-ốt 2"),
    ("admin", "POST", "/devices", lambda v: {"kind": "kiosk", "name": "Ki-ốt 3",
                                              "printer": f"network://{v}:9100"}, "printer"),
    ("admin", "POST", "/users", lambda v: {"username": "moi1", "role": "officer",
                                            "password": "mật-khẩu-mới", "full_name": v}, "Nguyễn Văn A"),
    ("admin", "POST", "/users", lambda v: {"username": "moi2", "role": "officer",
                                            "password": "mật-khẩu-" + v}, "mới"),
    ("admin", "POST", "/users", lambda v: {"username": v, "role": "officer",
                                            "password": "mật-khẩu-mới"}, "moi3"),
    ("kiosk", "POST", "/tickets", lambda v: {"field": "HT", "priority_category": v}, "elderly"),
    ("kiosk", "POST", "/tickets", lambda v: {"field": v}, "CT"),
    ("admin", "PUT", "/centre/display", lambda v: {"ticker": v}, "Chào mừng"),
    ("officer2", "POST", "/counters/2/pause", lambda v: {"reason": v}, "Nghỉ trưa"),
    ("officer1", "POST", "/tickets/{called}/records", lambda v: {"codes": [v]}, "HS-001"),
    ("officer1", "POST", "/counters/1/call", lambda v: {"number": v}, "A002"),
    ("officer1", "POST", "/counters/1/transfer", lambda v: {"field": v}, "CT"),
    ("tablet1", "POST", "/ratings", lambda v: {"ticket": 1, "level": v}, "satisfied"),
    ("tablet1", "POST", "/ratings", lambda v: {"ticket": 1, "level": "satisfied", "reasons": [v]},
     "attitude"),
]  # fmt: skip


def test_control_characters_in_body_texts_are_refused(db_app: Flask, http: FlaskClient,
                                                      hall: tuple[World, dict[str, Any]]) -> None:
    world, called = hall
    for who, method, path, body, clean in BODY_CASES:
        path = path.format(called=called["id"])
        for bad in LINE_BAD:
            before = snapshot(db_app)
            answer = call(http, world, who, method, path, body(bad))
            check_error(answer, 400, "invalid_body")
            assert snapshot(db_app) == before, (path, body(bad))
        # The same body with a clean text passes validation: the control character was the fault.
        answer = call(http, world, who, method, path, body(clean))
        assert answer.status_code < 500, answer.get_data(as_text=True)
        error = (answer.get_json() or {}).get("error", {})
        assert error.get("code") != "invalid_body", (path, body(clean), error)


def test_a_comment_may_span_lines_but_holds_no_other_control(db_app: Flask, http: FlaskClient,
                                                             hall: tuple[World, dict[str, Any]]) -> None:
    world, called = hall
    assert post(http, world, "officer1", "/counters/1/finish").get_json()["status"] == "done"
    rating = {"ticket": called["id"], "level": "satisfied"}
    for bad in TEXT_BAD:
        before = snapshot(db_app)
        check_error(post(http, world, "tablet1", "/ratings", {**rating, "comment": bad}), 400, "invalid_body")
        assert snapshot(db_app) == before
    answer = post(http, world, "tablet1", "/ratings", {**rating, "comment": "Tốt\nnhanh\tgọn"})
    assert answer.status_code == 201 and answer.get_json()["comment"] == "Tốt\nnhanh\tgọn"


def test_control_characters_in_path_parameters(db_app: Flask, http: FlaskClient,
                                               hall: tuple[World, dict[str, Any]]) -> None:
    world, called = hall
    added = post(http, world, "officer1", f"/tickets/{called['id']}/records", {"codes": ["HS-1"]})
    assert added.status_code == 200
    cases = [("officer1", "DELETE", f"/tickets/{called['id']}/records/{{}}", "HS-1"),
             ("admin", "POST", "/users/{}/tokens", "officer2")]
    for who, method, path, good in cases:
        for bad in (good + "\x00", "\x00", good[:2] + "\x01" + good[2:], good + "\x7f"):
            before = snapshot(db_app)
            check_error(call(http, world, who, method, path.format(quote(bad, safe=""))), 400,
                        "invalid_parameters")
            assert snapshot(db_app) == before
        assert call(http, world, who, method, path.format(good)).status_code in (200, 201)


def test_ids_in_the_path_are_ascii_digits(db_app: Flask, http: FlaskClient,
                                          hall: tuple[World, dict[str, Any]]) -> None:
    world, called = hall
    ticket_id = str(called["id"])
    assert call(http, world, "admin", "GET", f"/tickets/{ticket_id}").status_code == 200
    for path in (f"/tickets/{ticket_id.translate(ARABIC_DIGITS)}", "/tickets/²", "/tickets/¹",
                 "/tickets/𝟏", "/counters/٢/waiting"):
        check_error(call(http, world, "admin", "GET", quote(path)), 404, "not_found")
    before = snapshot(db_app)
    check_error(call(http, world, "officer2", "POST", quote("/counters/٢/open")), 404, "not_found")
    assert snapshot(db_app) == before
    assert call(http, world, "officer2", "POST", "/counters/2/open").status_code == 200


def test_idempotency_key_with_control_characters(db_app: Flask, http: FlaskClient,
                                                 hall: tuple[World, dict[str, Any]]) -> None:
    world, _ = hall
    for bad in ("tap\x00", "\x00", "tap\x01", "t\x7fap", "t\tap"):
        before = snapshot(db_app)
        answer = post(http, world, "kiosk", "/tickets", {"field": "HT"}, **{"Idempotency-Key": bad})
        check_error(answer, 400, "invalid_idempotency_key")
        assert snapshot(db_app) == before
    first = post(http, world, "kiosk", "/tickets", {"field": "HT"}, **{"Idempotency-Key": "tap-é"})
    again = post(http, world, "kiosk", "/tickets", {"field": "HT"}, **{"Idempotency-Key": "tap-é"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]


def test_display_parameters_are_ascii_numbers(http: FlaskClient,
                                              hall: tuple[World, dict[str, Any]]) -> None:
    world, _ = hall
    assert http.get(f"/display/door?token={world.tokens['door1']}").status_code == 302
    assert http.get(f"/display?token={world.tokens['display']}").status_code == 302
    for bad in ("²", "١", "٢", "𝟐", "+2", " 2", "2_0", "0", "10000", "\x00", "2\x00"):
        check_error(http.get("/display/door", query_string={"counter": bad}), 400, "invalid_parameters")
        check_error(http.get("/display", query_string={"counters": f"1,{bad}"}), 400, "invalid_parameters")
        for where in ("call.json", "call.wav"):
            check_error(http.get(f"/display/{where}", query_string={"number": "A001", "counter": bad},
                                 headers=world.headers("display")), 400, "invalid_parameters")
    for number in ("A١٢", "A²", "٠٠١", "A\x001", "\x00"):
        check_error(http.get("/display/call.json", query_string={"number": number, "counter": "1"},
                             headers=world.headers("display")), 400, "invalid_parameters")
    assert "Quầy số 2" in http.get("/display/door?counter=2").get_data(as_text=True)
    assert http.get("/display?counters=1,2").status_code == 200
    spoken = http.get(f"/display/call.json?number=A001&counter=2&token={world.tokens['display']}")
    assert spoken.status_code == 200 and spoken.get_json()["texts"]


def test_console_login_and_csrf_with_odd_text(db_app: Flask, http: FlaskClient,
                                              hall: tuple[World, dict[str, Any]]) -> None:
    form = re.search(r'name="csrf" value="([^"]+)"', http.get("/counter/login").get_data(as_text=True))
    assert form is not None
    for username, password, csrf in (("officer1\x00", PASSWORD, form.group(1)),
                                     ("\x00", "\x00", form.group(1)),
                                     ("officer1", PASSWORD + "\x00", form.group(1)),
                                     ("officer1", PASSWORD, "é"), ("officer1", PASSWORD, "\x00")):
        refused = http.post("/counter/login", data={"username": username, "password": password, "csrf": csrf})
        assert refused.status_code == 401, refused.get_data(as_text=True)
        assert http.get("/counter").status_code == 302  # still logged out
    for token in ("é", "ổ", "\x00", "x" * 5000):
        check_error(http.get("/api/v1/queue", headers={"X-CSRF-Token": token}), 401, "unauthorized")
    logged_in = http.post("/counter/login", data={"username": "officer1", "password": PASSWORD,
                                                  "csrf": form.group(1)})
    assert logged_in.status_code == 302 and http.get("/counter").status_code == 200


def test_pairing_and_bearer_tokens_with_odd_text(http: FlaskClient,
                                                 hall: tuple[World, dict[str, Any]]) -> None:
    world, _ = hall
    odd = ("\x00", "d_\x00", "u_" + "\x00" * 10, "d_é", "²", "x" * 5000)
    for bad in odd:
        answer = http.get("/api/v1/queue", headers={"Authorization": f"Bearer {bad}"})
        check_error(answer, 401, "unauthorized")
    pages = (("/kiosk", "hall_kiosk"), ("/display", "hall_display"), ("/display/door", "hall_door"))
    for page, cookie in pages:
        for bad in odd:
            assert http.get(page, query_string={"token": bad}).status_code == 403
            http.set_cookie(cookie, bad[:300])  # a browser sends no larger cookie
            assert http.get(page).status_code == 401
        http.delete_cookie(cookie)
    assert http.get(f"/kiosk?token={world.tokens['kiosk']}").status_code == 302


def test_session_user_ids_are_ascii(db_app: Flask, hall: tuple[World, dict[str, Any]]) -> None:
    with session_scope(db_app) as session:
        user_id = session.scalars(select(User.id).order_by(User.id)).first()
    assert user_id is not None
    with db_app.test_request_context():
        flask.session[logins.EPOCH] = 0  # a session opened in the user's current epoch
        assert logins._load(str(user_id)) is not None
        for bad in (str(user_id).translate(ARABIC_DIGITS), "²", "", "-1", "0", "9" * 40, "1\x00"):
            assert logins._load(bad) is None, bad


def test_tracking_pages_with_odd_tokens(http: FlaskClient, hall: tuple[World, dict[str, Any]]) -> None:
    _, called = hall
    token = called["track_url"].rsplit("/", 1)[1]
    assert http.get(f"/t/{token}.json").get_json()["id"] == called["id"]
    for bad in (token + "\x00", "\x00", token[:5] + "\x01", "é" + token, "x" * 65, "²"):
        for page in ("/t/{}", "/t/{}.json", "/t/{}/qr.svg"):
            check_error(http.get(page.format(quote(bad, safe=""))), 404)


def test_stats_dates_at_the_edges(db_app: Flask, http: FlaskClient,
                                  hall: tuple[World, dict[str, Any]]) -> None:
    world, _ = hall
    for query in ({"from": "0001-01-01", "to": "0001-01-01"}, {"from": "9999-12-31", "to": "9999-12-31"},
                  {"from": "２０２６-03-01", "to": "2026-03-02"},
                  {"from": "2026-03-01\x00", "to": "2026-03-02"},
                  {"from": "2026-03-01", "to": "2026-03-02", "by": "\x00"}, {"from": "١", "to": "2"}):
        answer = http.get("/api/v1/stats", query_string=query, headers=world.headers("manager"))
        assert answer.status_code in (200, 400), answer.get_data(as_text=True)
        if answer.status_code == 400:
            check_error(answer, 400, "invalid_parameters")


# The shared checks themselves.


@pytest.mark.parametrize(("value", "low", "high", "expected"), [
    ("1", 1, 9, 1), ("0009", 1, 9, 9), ("10", 1, 9, None), ("0", 1, 9, None), ("²", 0, 9, None),
    ("١", 0, 9, None), ("𝟏", 0, 9, None), ("-1", -5, 9, None), ("+1", 0, 9, None), (" 1", 0, 9, None),
    ("1_0", 0, 99, None), ("", 0, 9, None), (None, 0, 9, None), ("9" * 19, 0, 10**30, None),
])  # fmt: skip
def test_ascii_int(value: str | None, low: int, high: int, expected: int | None) -> None:
    assert text.ascii_int(value, low, high) == expected


@pytest.mark.parametrize(("value", "line", "multiline"), [
    ("Hộ tịch", True, True), ("", True, True), ("a\nb", False, True), ("a\tb", False, True),
    ("a\r\n", False, True), ("\x00", False, False), ("\x1b", False, False), ("\x7f", False, False),
    ("\x0b", False, False), ("\u0085", True, True), ("\u2028", True, True),
])  # fmt: skip
def test_is_clean(value: str, line: bool, multiline: bool) -> None:
    assert (text.is_clean(value), text.is_clean(value, multiline=True)) == (line, multiline)


def test_tracking_token_and_secret_predicates() -> None:
    assert text.is_tracking_token("AbC-_09" * 3)
    for bad in ("", "x" * 65, "a\x00", "é", "a b", "a/b", None, 12, ["a"]):
        assert not text.is_tracking_token(bad)
    assert text.same_secret("é-ổ", "é-ổ") and not text.same_secret("é", "e")
    assert not text.same_secret(None, "a") and not text.same_secret("a", None)


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=8))
def test_openapi_patterns_say_what_the_checks_do(value: str) -> None:
    properties = openapi_document()["components"]["schemas"]["FieldIn"]["properties"]
    comment = openapi_document()["components"]["schemas"]["RatingIn"]["properties"]["comment"]
    # JSON Schema's \uXXXX escapes mean the same in Python's re.
    assert bool(re.fullmatch(properties["name"]["pattern"], value)) == text.is_clean(value)
    assert bool(re.fullmatch(comment["pattern"], value)) == text.is_clean(value, multiline=True)


# Every operation of the OpenAPI document, thrown arbitrary text, JSON and query strings.

TRICKY = ["", "\x00", "a\x00b", "\x01", "\x1b[0m", "\x7f", "\n", "\t", "²", "١٢", "𝟘", "½", "-1", "0",
          "+1", " 1", "1_0", "9" * 30, "\u202e", "\ufeff", "Hộ tịch", "%00", "..", "/", "A001", "HT",
          "admin", "HS-1", "null", "true", "{}", "2026-03-02", "9999-12-31", "0001-01-01"]
texts = st.one_of(
    st.text(max_size=30), st.sampled_from(TRICKY),
    st.text(alphabet=st.sampled_from(list("\x00\x01\x7f²١0159AZaz-_/.%: é")), max_size=12),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=10,
)
RAW_BODIES = [b"", b"{", b"\xff\xfe", b'{"a": "\\ud800"}', b'"\\udc00"', b'{"name": "\\u0000"}',
              b'{"codes": ["\\ud800\\u0000"]}', b"[]", b"null", b"NaN", b"1e999", b"\x00"]
# A valid body per request schema; the fuzzer replaces one key at a time.
EXAMPLES: dict[str, dict[str, Any]] = {
    "FieldIn": {"code": "FZ", "name": "Lĩnh vực"}, "CounterIn": {"number": 50, "fields": ["HT"]},
    "DeviceIn": {"kind": "kiosk", "name": "Ki-ốt"},
    "UserIn": {"username": "fuzz", "role": "officer", "password": "mật-khẩu-dài"},
    "OpeningHoursIn": {"days": {"0": [["07:30", "11:30"]]}}, "TicketIn": {"field": "HT"},
    "TransferIn": {"field": "CT"}, "DisplaySettingsIn": {"ticker": "Xin chào"},
    "PauseIn": {"reason": "Nghỉ"}, "CallNumberIn": {"number": "A002"}, "RecordsIn": {"codes": ["HS-1"]},
    "RatingIn": {"ticket": 1, "level": "satisfied"},
}  # fmt: skip
# Examples per operation and database; HALL_FUZZ_EXAMPLES=500 for a deeper run by hand.
FUZZ_EXAMPLES = int(os.environ.get("HALL_FUZZ_EXAMPLES", "8"))  # schemathesis fuzzes too (test_fuzz.py)
TOKEN_OF_ROLE = {"admin": "admin", "manager": "manager", "officer": "officer1", "kiosk": "kiosk",
                 "display": "display", "tablet": "tablet1"}


def _bodies(op: Operation) -> st.SearchStrategy[bytes | None]:
    raw = st.sampled_from(RAW_BODIES) | st.binary(max_size=40)
    any_json = json_values.map(lambda value: json.dumps(value).encode())
    if op.body is None:
        return st.none() | raw | any_json
    keys = sorted(op.body.model_fields) + ["extra"]
    example = EXAMPLES.get(op.body.__name__, {})
    one_changed = st.builds(lambda key, value: {**example, key: value}, st.sampled_from(keys), json_values)
    arbitrary_keys = st.dictionaries(st.sampled_from(keys), json_values, max_size=4)
    return raw | any_json | (one_changed | arbitrary_keys).map(lambda value: json.dumps(value).encode())


def _paths(op: Operation) -> st.SearchStrategy[str]:
    parts: list[st.SearchStrategy[str]] = []
    for piece in re.split(r"(<(?:\w+:)?\w+>)", op.rule):
        if piece.startswith("<int:"):
            number = st.integers(min_value=-3, max_value=2**70).map(str)
            parts.append((number | st.sampled_from(["1", "2", "١", "²", "1.5"]) | texts)
                         .map(lambda value: quote(value, safe="")))
        elif piece.startswith("<"):
            parts.append(texts.map(lambda value: quote(value, safe="")))
        else:
            parts.append(st.just(piece))
    return st.tuples(*parts).map(lambda pieces: "/api/v1" + "".join(pieces))


def _queries(op: Operation) -> st.SearchStrategy[str]:
    keys = st.sampled_from(sorted(op.query.model_json_schema(by_alias=True)["properties"])) \
        if op.query is not None else texts
    pairs = st.lists(st.tuples(keys | texts, texts), max_size=4).map(urlencode)
    return pairs | st.sampled_from(["%00", "%ff%fe", "a=%00&a=1", "from=2026-03-01&to=2026-03-02", "&&=="])


# Header values arrive decoded as Latin-1, and a line break cannot be sent at all.
header_values = st.text(alphabet=st.characters(max_codepoint=0xFF, exclude_characters="\r\n"), max_size=30)


def _fuzz(app: Flask, world: World, op: Operation, examples: int) -> None:
    client = app.test_client()
    role = "admin" if "admin" in op.roles else sorted(op.roles & set(TOKEN_OF_ROLE))[0]
    statuses: list[int] = []

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(path=_paths(op), query=_queries(op), body=_bodies(op),
           header=st.none() | header_values | st.sampled_from(["\x00", "k\x00", "²"]))
    def check(path: str, query: str, body: bytes | None, header: str | None) -> None:
        headers = world.headers(TOKEN_OF_ROLE[role])
        for name in op.headers:
            if header is not None:
                headers[name] = header
        before = snapshot(app)
        answer = client.open(path, method=op.method, query_string=query, data=body, headers=headers,
                             content_type="application/json")
        statuses.append(answer.status_code)
        shown = (op.method, path, query, body, header, answer.get_data()[:500])  # files are bytes
        assert answer.status_code < 500, shown
        if answer.status_code >= 400:
            schemas.ErrorOut.model_validate(answer.get_json())
            assert snapshot(app) == before, shown

    check()
    # The token fits the operation: the fuzz reached validation, not only the door.
    assert any(status not in (401, 403) for status in statuses), (op.method, op.rule, statuses)


def test_every_operation_survives_arbitrary_input(db_app: Flask, hall: tuple[World, dict[str, Any]]) -> None:
    world, _ = hall
    client = db_app.test_client()  # the admin works counter 3, so counter operations do real work
    issue(client, world, "DD")
    assert post(client, world, "admin", "/counters/3/open").status_code == 200
    assert post(client, world, "admin", "/counters/3/call-next").status_code == 200
    assert len(OPERATIONS) == sum(len(item) for item in openapi_document()["paths"].values())
    # Revoking may revoke the fuzzing token itself: those operations go last.
    for op in sorted(OPERATIONS, key=lambda op: op.rule.endswith("/revoke")):
        _fuzz(db_app, world, op, examples=FUZZ_EXAMPLES)
