"""A paired device page never holds its token: the token moves from ?token= into an HttpOnly,
SameSite=Strict cookie, the page's HTML carries none, and the page's API calls and live
connection are recognised by that cookie plus the page naming its kind."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from hall.web.sockets import socketio
from tests.factories import World
from tests.factories import post

PAGES = (("/kiosk", "kiosk", "hall_kiosk"), ("/display", "display", "hall_display"),
         ("/display/door?counter=1", "display", "hall_door"))


def _pair(client: FlaskClient, path: str, token: str) -> None:
    joiner = "&" if "?" in path else "?"
    answer = client.get(f"{path}{joiner}token={token}")
    assert answer.status_code == 302
    assert "token=" not in answer.headers["Location"]


def test_the_page_has_no_token_and_the_cookie_is_for_every_path(app: Flask, world: World) -> None:
    for path, who, cookie in PAGES:
        client = app.test_client()
        token = world.tokens[who]
        _pair(client, path, token)
        set_cookie = next(v for k, v in client.get(path).headers.items() if k == "Set-Cookie")
        assert set_cookie.startswith(f"{cookie}={token};")
        assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie and "Path=/;" in set_cookie
        page = client.get(path)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert token not in html and token[2:12] not in html, path


def test_the_api_knows_a_paired_page_by_cookie_and_header(app: Flask, world: World) -> None:
    client = app.test_client()
    _pair(client, "/kiosk", world.tokens["kiosk"])
    fields = client.get("/api/v1/fields", headers={"X-Hall-Device": "kiosk"})
    assert fields.status_code == 200 and any(f["code"] == "HT" for f in fields.get_json())
    issued = client.post("/api/v1/tickets", json={"field": "HT"}, headers={"X-Hall-Device": "kiosk"})
    assert issued.status_code == 201
    assert issued.get_json()["source"] == "kiosk"
    # the cookie alone is not enough (a cross-site form cannot add the header) …
    assert client.post("/api/v1/tickets", json={"field": "HT"}).status_code == 401
    # … nor a header naming a kind this browser is not paired as, or no kind at all
    assert client.get("/api/v1/fields", headers={"X-Hall-Device": "display"}).status_code == 401
    assert client.get("/api/v1/fields", headers={"X-Hall-Device": "admin"}).status_code == 401
    waiting = client.get("/api/v1/queue", headers=world.headers("display")).get_json()
    assert {f["code"]: f["waiting"] for f in waiting["fields"]}["HT"] == 1  # one ticket, not two


def test_the_live_connection_by_cookie(app: Flask, world: World) -> None:
    client = app.test_client()
    _pair(client, "/display", world.tokens["display"])
    screen = socketio.test_client(app, flask_test_client=client, auth={"device": "display"})
    try:
        assert screen.is_connected()
        assert any(event["name"] == "state" for event in screen.get_received())
    finally:
        screen.disconnect()
    stranger = socketio.test_client(app, auth={"device": "display"})  # no cookie
    assert not stranger.is_connected()


def test_a_revoked_device_loses_its_cookie_page(app: Flask, client: FlaskClient, world: World) -> None:
    device = post(client, world, "admin", "/devices", {"kind": "kiosk", "name": "Ki-ốt 2"}).get_json()
    browser = app.test_client()
    _pair(browser, "/kiosk", device["token"])
    assert browser.get("/api/v1/fields", headers={"X-Hall-Device": "kiosk"}).status_code == 200
    assert post(client, world, "admin", f"/devices/{device['id']}/revoke").status_code == 200
    assert browser.get("/api/v1/fields", headers={"X-Hall-Device": "kiosk"}).status_code == 401
    assert browser.get("/kiosk").status_code == 401  # the pairing page again


def test_a_device_paired_before_the_cookie_moved_can_be_paired_again(
        app: Flask, client: FlaskClient, world: World) -> None:
    old = post(client, world, "admin", "/devices", {"kind": "kiosk", "name": "Ki-ốt cũ"}).get_json()
    browser = app.test_client()
    browser.set_cookie("hall_kiosk", old["token"], path="/kiosk")  # as an earlier version kept it
    assert browser.get("/kiosk").status_code == 200
    assert post(client, world, "admin", f"/devices/{old['id']}/revoke").status_code == 200
    new = post(client, world, "admin", "/devices", {"kind": "kiosk", "name": "Ki-ốt mới"}).get_json()
    answer = browser.get(f"/kiosk?token={new['token']}")
    assert answer.status_code == 302
    cleared = [v for k, v in answer.headers.items() if k == "Set-Cookie" and "Path=/kiosk" in v]
    assert cleared and "hall_kiosk=;" in cleared[0]  # the old path's copy is removed
    assert browser.get("/kiosk").status_code == 200
    assert browser.get("/api/v1/fields", headers={"X-Hall-Device": "kiosk"}).status_code == 200
