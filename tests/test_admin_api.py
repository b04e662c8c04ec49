"""Administration through the API: users listed and changed (a deactivation or a new
password ends their sessions and tokens), fields changed with kiosks told at once, fields
and counters deleted (only without history) and counters given other fields, the /admin
page's doors (admins change, managers read, officers and strangers stay out)."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from hall.models import Base
from hall.store.db import session_scope
from hall.web.sockets import socketio
from tests.factories import PASSWORD
from tests.factories import World
from tests.factories import build_world
from tests.factories import issue
from tests.factories import post
from tests.test_api import check_error
from tests.test_sessions import log_in
from tests.test_sessions import page_csrf

HTML = {"Accept": "text/html"}


def heard(listener: Any, name: str, within: float = 3.0) -> bool:
    """Whether the Socket.IO test client receives `name` within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if name in [event["name"] for event in listener.get_received()]:
            return True
        time.sleep(0.05)
    return False


def arrived(listener: Any, name: str, within: float = 3.0) -> list[Any]:
    """The arguments of every `name` event the Socket.IO test client receives, waiting up to
    `within` seconds for the first."""
    deadline, found = time.monotonic() + within, []
    while not found and time.monotonic() < deadline:
        found = [event["args"] for event in listener.get_received() if event["name"] == name]
        time.sleep(0.05)
    return found


def patch(client: FlaskClient, world: World, who: str, path: str, body: object) -> object:
    return client.patch(f"/api/v1{path}", json=body, headers=world.headers(who))


def test_users_listed_and_changed(app: Flask, client: FlaskClient, world: World) -> None:
    listed = client.get("/api/v1/users", headers=world.headers("manager")).get_json()
    assert {u["username"] for u in listed} >= {"admin", "manager", "officer1"}
    check_error(patch(client, world, "manager", "/users/officer1", {"active": False}), 403)
    officer = app.test_client()
    log_in(officer, "officer2")
    assert officer.get("/counter").status_code == 200
    locked = patch(client, world, "admin", "/users/officer2", {"active": False})
    assert locked.status_code == 200 and locked.get_json()["active"] is False  # type: ignore[attr-defined]
    assert officer.get("/counter").status_code == 302  # the session ended
    check_error(client.get("/api/v1/queue", headers=world.headers("officer2")), 401)  # and the token
    patch(client, world, "admin", "/users/officer2", {"active": True})
    renamed = patch(client, world, "admin", "/users/officer2", {"full_name": "  Trần Thị B "})
    assert renamed.get_json()["full_name"] == "Trần Thị B"  # type: ignore[attr-defined]
    # a new password: the old one and the old sessions stop
    log_in(officer, "officer2")
    assert patch(client, world, "admin", "/users/officer2",
                 {"password": "mật-khẩu-mới-dài"}).status_code == 200  # type: ignore[attr-defined]
    assert officer.get("/counter").status_code == 302
    assert log_in(app.test_client(), "officer2").status_code == 401  # type: ignore[attr-defined]
    assert log_in(app.test_client(), "officer2", "mật-khẩu-mới-dài").status_code == 302  # type: ignore[attr-defined]
    # nobody locks themselves out; unknown users and odd bodies are refused
    check_error(patch(client, world, "admin", "/users/admin", {"active": False}), 409, "self")
    check_error(patch(client, world, "admin", "/users/admin", {"role": "officer"}), 409)
    check_error(patch(client, world, "admin", "/users/nobody", {"active": False}), 404)
    check_error(patch(client, world, "admin", "/users/officer1", {"password": "short"}), 400)
    check_error(patch(client, world, "admin", "/users/officer1", {"username": "x"}), 400)


def test_a_field_changed_reaches_the_kiosks(app: Flask, client: FlaskClient, world: World) -> None:
    kiosk = socketio.test_client(app, auth={"token": world.tokens["kiosk"]})
    assert kiosk.is_connected()
    kiosk.get_received()
    closed = patch(client, world, "admin", "/fields/HT", {"is_open": False, "name": "Hộ tịch mới"})
    assert closed.status_code == 200  # type: ignore[attr-defined]
    assert closed.get_json()["is_open"] is False and closed.get_json()["name"] == "Hộ tịch mới"  # type: ignore[attr-defined]
    assert heard(kiosk, "fields.changed")
    fields = client.get("/api/v1/fields", headers=world.headers("kiosk")).get_json()
    ht = next(f for f in fields if f["code"] == "HT")
    assert ht["state"] == "closed" and ht["name"] == "Hộ tịch mới"
    check_error(post(client, world, "kiosk", "/tickets", {"field": "HT"}), 409, "field_closed")
    assert post(client, world, "admin", "/fields", {"code": "XD", "name": "Xây dựng"}).status_code == 201
    assert heard(kiosk, "fields.changed")
    kiosk.disconnect()
    capped = patch(client, world, "admin", "/fields/CT", {"daily_capacity": 50})
    assert capped.get_json()["daily_capacity"] == 50  # type: ignore[attr-defined]
    uncapped = patch(client, world, "admin", "/fields/CT", {"no_daily_capacity": True})
    assert uncapped.get_json()["daily_capacity"] is None  # type: ignore[attr-defined]
    check_error(patch(client, world, "admin", "/fields/NOPE", {"is_open": True}), 404)
    check_error(patch(client, world, "admin", "/fields/CT", {"code": "Z"}), 400)
    check_error(patch(client, world, "admin", "/fields/CT", {"name": "\u200b"}), 400)
    check_error(patch(client, world, "officer1", "/fields/CT", {"is_open": False}), 403)


def test_the_admin_page_doors(app: Flask, client: FlaskClient, world: World) -> None:
    away = client.get("/admin", headers=HTML)
    assert away.status_code == 302 and "/counter/login" in away.headers["Location"]
    assert "next=/admin" in away.headers["Location"].replace("%2F", "/")
    log_in(client, "officer1")
    assert client.get("/admin", headers=HTML).status_code == 403
    client.post("/counter/logout", data={"csrf": page_csrf(client)})
    log_in(client, "manager")
    page = client.get("/admin", headers=HTML)
    assert page.status_code == 200 and 'class="office read-only"' in page.get_data(as_text=True)
    log_in(client, "admin", PASSWORD)
    page = client.get("/admin", headers=HTML)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'class="office"' in text and "Lĩnh vực" in text
    assert '<html lang="vi">' in text and 'id="hall-page"' in text and ">English</a>" in text
    english = client.get("/admin?lang=en", headers=HTML).get_data(as_text=True)
    assert '<html lang="en">' in english and ">Tiếng Việt</a>" in english
    client.get("/admin?lang=vi", headers=HTML)
    csrf = text.split('"csrf": "')[1].split('"')[0]
    qr = client.post("/admin/qr.svg", json={"text": "http://hall.local/kiosk?token=d_x"},
                     headers={"X-CSRF-Token": csrf})
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert client.post("/admin/qr.svg", json={"text": "x"}).status_code == 403  # no CSRF
    assert client.post("/admin/qr.svg", json={"text": "x\x00"},
                       headers={"X-CSRF-Token": csrf}).status_code == 400


def test_centre_settings(client: FlaskClient, world: World) -> None:
    shown = client.get("/api/v1/centre", headers=world.headers("manager")).get_json()
    assert shown["code"] == "default" and shown["rating_scale"] in (3, 4)
    changed = patch(client, world, "admin", "/centre", {
        "name": " Trung tâm Phục vụ hành chính công xã Yên Hòa ", "address": "Số 1 Nguyễn Văn Huyên",
        "ticket_footer": "Cảm ơn quý khách", "rating_scale": 4,
        "priority_categories": ["elderly", "disabled"]})
    assert changed.status_code == 200, changed.get_json()  # type: ignore[attr-defined]
    again = client.get("/api/v1/centre", headers=world.headers("admin")).get_json()
    assert again["name"] == "Trung tâm Phục vụ hành chính công xã Yên Hòa"
    assert again["rating_scale"] == 4 and again["priority_categories"] == ["elderly", "disabled"]
    assert client.get("/api/v1/queue", headers=world.headers("display")).get_json()[
        "centre"]["name"] == again["name"]  # screens show it at once
    check_error(patch(client, world, "admin", "/centre", {"priority_categories": ["vip"]}), 400,
                "unknown_priority_category")
    check_error(patch(client, world, "admin", "/centre", {"timezone": "UTC"}), 400)
    check_error(patch(client, world, "admin", "/centre", {"rating_scale": 5}), 400)
    check_error(patch(client, world, "admin", "/centre", {"name": "   "}), 400)
    check_error(patch(client, world, "manager", "/centre", {"address": "x"}), 403)


def test_devices_last_seen(sqlite_url: str, clock: Any) -> None:
    """A device's page connected is noted as seen (every HALL_DEVICE_SEEN_S), and again when
    it leaves; a device never connected shows none."""
    from tests.conftest import make_app
    from tests.factories import build_world

    app = make_app(sqlite_url, clock, DEVICE_SEEN_S=0.2)
    try:
        world = build_world(app, clock.now)
        client = app.test_client()

        def seen() -> dict[str, object]:
            rows = client.get("/api/v1/devices", headers=world.headers("admin")).get_json()
            return {row["name"]: row["last_seen_at"] for row in rows}

        assert seen()["display"] is None
        display = socketio.test_client(app, auth={"token": world.tokens["display"]})
        deadline = time.monotonic() + 5
        while seen()["display"] is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert seen()["display"] == "2026-03-02T09:00:00+07:00"
        assert seen()["kiosk"] is None
        display.disconnect()
    finally:
        app.extensions["hall.engine"].dispose()


# Fields and counters deleted, counters changed: allowed for the centre's admin only; a
# refusal (role, other centre, state, history, bad body) changes nothing at all.


# Kept by the live connection on its own clock, not by any request: a device's last contact.
HEARTBEAT = {("devices", "last_seen_at")}


def rows(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: a refused request must leave all of them as they were."""
    with session_scope(app) as session:
        return {table.name: sorted((tuple(row) for row in session.execute(select(*[
                    column for column in table.columns if (table.name, column.name) not in HEARTBEAT
                ]))), key=repr) for table in Base.metadata.sorted_tables}


def refused(app: Flask, answer: Any, before: dict[str, list[tuple[Any, ...]]], status: int,
            code: str | None = None) -> str:
    """The answer is the error body with `status` (and `code`); nothing was stored. Returns
    the message."""
    check_error(answer, status, code)
    assert rows(app) == before
    return str(answer.get_json()["error"]["message"])


def delete(client: FlaskClient, world: World, who: str, path: str, **headers: str) -> Any:
    return client.delete(f"/api/v1{path}", headers=world.headers(who, **headers))


def audited(client: FlaskClient, world: World, action: str) -> list[dict[str, Any]]:
    answer = client.get("/api/v1/audit", headers=world.headers("admin"), query_string={
        "from": "2026-03-02", "to": "2026-03-02", "action": action})
    assert answer.status_code == 200, answer.get_json()
    found: list[dict[str, Any]] = answer.get_json()
    return found


def field_codes(client: FlaskClient, world: World) -> list[str]:
    return [f["code"] for f in client.get("/api/v1/fields", headers=world.headers("kiosk")).get_json()]


def counter_numbers(client: FlaskClient, world: World) -> list[int]:
    counters = client.get("/api/v1/queue", headers=world.headers("admin")).get_json()["counters"]
    return [c["number"] for c in counters]


def counter_fields(client: FlaskClient, world: World, number: int) -> list[str]:
    counters = client.get("/api/v1/queue", headers=world.headers("admin")).get_json()["counters"]
    return next(c["fields"] for c in counters if c["number"] == number)  # type: ignore[no-any-return]


def test_a_field_without_history_is_deleted(app: Flask, client: FlaskClient, world: World,
                                            clock: Any) -> None:
    other = build_world(app, clock.now, "C2")  # another centre, with its own XD below
    assert post(client, world, "admin", "/fields", {"code": "XD", "name": "Xây dựng"}).status_code == 201
    assert post(client, other, "admin", "/fields", {"code": "XD", "name": "Xây dựng C2"}).status_code == 201
    assert post(client, world, "admin", "/counters", {"number": 9, "fields": ["XD"]}).status_code == 201
    before = rows(app)
    said = refused(app, delete(client, world, "admin", "/fields/XD"), before, 409, "counter_needs_field")
    assert said == "Lĩnh vực XD là lĩnh vực duy nhất của quầy 9; hãy cho quầy phục vụ lĩnh vực khác trước"
    said = refused(app, delete(client, world, "admin", "/fields/XD", **{"Accept-Language": "en"}),
                   before, 409, "counter_needs_field")
    assert "9" in said
    assert patch(client, world, "admin", "/counters/9", {"fields": ["XD", "HT"]}).status_code == 200  # type: ignore[attr-defined]
    before = rows(app)
    refused(app, delete(client, world, "officer1", "/fields/XD"), before, 403, "forbidden")
    refused(app, delete(client, world, "manager", "/fields/XD"), before, 403, "forbidden")
    refused(app, delete(client, world, "kiosk", "/fields/XD"), before, 403, "forbidden")
    refused(app, delete(client, world, "admin", "/fields/NOPE"), before, 404, "unknown_field")
    refused(app, delete(client, world, "admin", "/fields/XD", **{"X-Hall-Centre": "C2"}), before, 403)
    other_admin = delete(client, other, "admin", "/fields/HT")  # C2's HT: no ticket either
    assert other_admin.status_code == 204
    before = rows(app)  # C2's admin reaches only C2's own XD, never this centre's
    kiosk = socketio.test_client(app, auth={"token": world.tokens["kiosk"]})
    kiosk.get_received()
    gone = delete(client, world, "admin", "/fields/XD")
    assert gone.status_code == 204 and gone.get_data() == b""
    assert heard(kiosk, "fields.changed")
    kiosk.disconnect()
    assert "XD" not in field_codes(client, world)
    assert counter_fields(client, world, 9) == ["HT"]
    assert "XD" in field_codes(client, other)
    [entry] = audited(client, world, "delete_field")
    assert (entry["username"], entry["target"]) == ("admin", "code=XD")
    check_error(delete(client, world, "admin", "/fields/XD"), 404, "unknown_field")
    # the code is free again
    assert post(client, world, "admin", "/fields", {"code": "XD", "name": "Xây dựng"}).status_code == 201


def test_a_field_with_history_is_closed_instead(app: Flask, client: FlaskClient,
                                                world: World) -> None:
    assert post(client, world, "admin", "/fields", {"code": "XD", "name": "Xây dựng"}).status_code == 201
    issue(client, world, "XD")  # a ticket in it: XD serves no counter, so it just waits
    before = rows(app)
    said = refused(app, delete(client, world, "admin", "/fields/XD"), before, 409, "field_in_use")
    assert "is_open: false" in said
    # a ticket transferred into a field is history of that field too
    issue(client, world, "HT")
    assert post(client, world, "officer1", "/counters/1/open").status_code == 200
    assert post(client, world, "officer1", "/counters/1/call-next").status_code == 200
    assert post(client, world, "officer1", "/counters/1/transfer", {"field": "DD"}).status_code == 200
    before = rows(app)
    refused(app, delete(client, world, "admin", "/fields/DD"), before, 409, "field_in_use")
    assert patch(client, world, "admin", "/fields/XD", {"is_open": False}).status_code == 200  # type: ignore[attr-defined]


def test_a_counter_changed(app: Flask, client: FlaskClient, world: World, clock: Any) -> None:
    other = build_world(app, clock.now, "C2")
    assert post(client, world, "officer1", "/counters/1/open").status_code == 200
    officer = socketio.test_client(app, auth={"token": world.tokens["officer1"]})  # holds counter 1
    display = socketio.test_client(app, auth={"token": world.tokens["display"]})
    officer.get_received(), display.get_received()
    changed = patch(client, world, "admin", "/counters/1", {"name": "Quầy Hộ tịch", "fields": ["DD", "HT"]})
    assert changed.status_code == 200, changed.get_json()  # type: ignore[attr-defined]
    answer = changed.get_json()  # type: ignore[attr-defined]
    assert (answer["name"], answer["fields"], answer["state"]) == ("Quầy Hộ tịch", ["DD", "HT"], "open")
    assert answer["officer"]["username"] == "officer1"  # the officer stays at it
    for listener in (officer, display):
        payloads = [args[0]["counter"] for args in arrived(listener, "counter.updated")]
        assert payloads and all(p["fields"] == ["DD", "HT"] and p["name"] == "Quầy Hộ tịch"
                                for p in payloads)
    officer.disconnect(), display.disconnect()
    assert counter_fields(client, world, 1) == ["DD", "HT"]
    # the counter calls in its new order: DD before an earlier HT
    issue(client, world, "HT")
    clock.advance(60)
    issue(client, world, "DD")
    called = post(client, world, "officer1", "/counters/1/call-next").get_json()
    assert called["field"]["code"] == "DD"
    [entry] = audited(client, world, "update_counter")
    assert entry["target"] == "number=1" and entry["detail"]["fields"] == ["DD", "HT"]
    renamed = patch(client, world, "admin", "/counters/1", {"name": "  "})
    assert renamed.get_json()["name"] == "Quầy 1"  # type: ignore[attr-defined]
    before = rows(app)
    for body in ({"fields": []}, {"fields": ["HT", "HT"]}, {"fields": "HT"}, {"surprise": 1},
                 {"number": 5}, {"name": "\u200b"}, {"fields": ["H T"]}):
        refused(app, patch(client, world, "admin", "/counters/1", body), before, 400, "invalid_body")
    refused(app, patch(client, world, "admin", "/counters/1", {"fields": ["HT", "NOPE"]}), before,
            404, "unknown_field")
    refused(app, patch(client, world, "admin", "/counters/99", {"name": "x"}), before, 404,
            "unknown_counter")
    refused(app, patch(client, world, "officer1", "/counters/1", {"fields": ["HT"]}), before, 403)
    refused(app, patch(client, world, "manager", "/counters/1", {"fields": ["HT"]}), before, 403)
    refused(app, patch(client, world, "display", "/counters/1", {"fields": ["HT"]}), before, 403)
    # another centre's admin changes its own counter 1, never this one
    assert patch(client, other, "admin", "/counters/1", {"fields": ["CT"]}).status_code == 200  # type: ignore[attr-defined]
    assert counter_fields(client, world, 1) == ["DD", "HT"]
    refused(app, patch(client, other, "admin", "/counters/1", {"fields": ["XX"]}), rows(app), 404,
            "unknown_field")


def test_a_counter_deleted(app: Flask, client: FlaskClient, world: World, clock: Any) -> None:
    other = build_world(app, clock.now, "C2")
    assert post(client, world, "admin", "/counters", {"number": 9, "fields": ["CT"]}).status_code == 201
    before = rows(app)
    refused(app, delete(client, world, "officer1", "/counters/9"), before, 403)
    refused(app, delete(client, world, "manager", "/counters/9"), before, 403)
    refused(app, delete(client, other, "admin", "/counters/9"), before, 404, "unknown_counter")
    refused(app, delete(client, world, "admin", "/counters/99"), before, 404, "unknown_counter")
    kiosk = socketio.test_client(app, auth={"token": world.tokens["kiosk"]})
    kiosk.get_received()
    gone = delete(client, world, "admin", "/counters/9")
    assert gone.status_code == 204 and gone.get_data() == b""
    assert heard(kiosk, "fields.changed")
    kiosk.disconnect()
    assert 9 not in counter_numbers(client, world)
    [entry] = audited(client, world, "delete_counter")
    assert (entry["username"], entry["target"]) == ("admin", "number=9")
    # open: refused
    assert post(client, world, "officer1", "/counters/1/open").status_code == 200
    before = rows(app)
    said = refused(app, delete(client, world, "admin", "/counters/1"), before, 409, "counter_in_use")
    assert said == "Quầy 1 đang mở; cán bộ phải đóng quầy trước khi xóa"
    # closed again, but it called a ticket: history
    issue(client, world, "HT")
    assert post(client, world, "officer1", "/counters/1/call-next").status_code == 200
    assert post(client, world, "officer1", "/counters/1/finish").status_code == 200
    assert post(client, world, "officer1", "/counters/1/close").status_code == 200
    before = rows(app)
    said = refused(app, delete(client, world, "admin", "/counters/1"), before, 409, "counter_in_use")
    assert said == "Quầy 1 đã phục vụ số thứ tự nên không xóa được"
    # never used, but its rating tablet is still paired: revoke it first
    before = rows(app)
    said = refused(app, delete(client, world, "admin", "/counters/2"), before, 409, "counter_in_use")
    assert "tablet2" in said
    tablet = next(d for d in client.get("/api/v1/devices", headers=world.headers("admin")).get_json()
                  if d["name"] == "tablet2")
    assert post(client, world, "admin", f"/devices/{tablet['id']}/revoke").status_code == 200
    assert delete(client, world, "admin", "/counters/2").status_code == 204
    assert counter_numbers(client, world) == [1, 3]
    # C2 keeps its own counter 2
    assert 2 in counter_numbers(client, other)
