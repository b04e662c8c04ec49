"""Administration through the API: users listed and changed (a deactivation or a new
password ends their sessions and tokens), fields changed with kiosks told at once, the
/admin page's doors (admins change, managers read, officers and strangers stay out)."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from hall.web.sockets import socketio
from tests.factories import PASSWORD
from tests.factories import World
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
