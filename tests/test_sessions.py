"""Officers' login sessions: the console's way into the REST API and Socket.IO."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hall.web.sockets import socketio
from tests.factories import PASSWORD
from tests.factories import World
from tests.test_api import check_error


def form_csrf(client: FlaskClient, path: str = "/counter/login") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found
    return found.group(1)


def log_in(client: FlaskClient, username: str = "officer1", password: str = PASSWORD,
           next_path: str = "") -> object:
    return client.post(f"/counter/login{next_path}", data={
        "username": username, "password": password, "csrf": form_csrf(client)})


def page_csrf(client: FlaskClient) -> str:
    found = re.search(r'"csrf": "([^"]+)"', client.get("/counter").get_data(as_text=True))
    assert found
    return found.group(1)


def test_login_then_the_api_with_the_session(app: Flask, client: FlaskClient, world: World) -> None:
    assert client.get("/counter").headers["Location"].startswith("/counter/login")
    refused = log_in(client, password="sai-mật-khẩu")
    assert refused.status_code == 401  # type: ignore[attr-defined]
    assert "Sai tên đăng nhập hoặc mật khẩu" in refused.get_data(as_text=True)  # type: ignore[attr-defined]
    assert client.get("/counter").status_code == 302
    answer = log_in(client)
    assert answer.headers["Location"] == "/counter"  # type: ignore[attr-defined]
    csrf = page_csrf(client)
    # The session alone is not enough: a page of another site could send the cookie.
    check_error(client.post("/api/v1/counters/1/open"), 401, "unauthorized")
    check_error(client.post("/api/v1/counters/1/open", headers={"X-CSRF-Token": "guess"}), 401)
    opened = client.post("/api/v1/counters/1/open", headers={"X-CSRF-Token": csrf})
    assert opened.status_code == 200 and opened.get_json()["officer"]["username"] == "officer1"
    ticket = client.post("/api/v1/tickets", json={"field": "HT"}, headers={"X-CSRF-Token": csrf})
    assert ticket.get_json()["source"] == "counter"
    # Socket.IO: the same session and token join the officer's rooms and get `state`.
    good = socketio.test_client(app, flask_test_client=client, auth={"csrf": csrf})
    assert good.is_connected() and good.get_received()[0]["name"] == "state"
    good.disconnect()
    bad = socketio.test_client(app, flask_test_client=client, auth={"csrf": "guess"})
    assert not bad.is_connected()
    stranger = socketio.test_client(app, auth={"csrf": csrf})  # the token without the session
    assert not stranger.is_connected()


def test_login_never_redirects_off_site(client: FlaskClient, world: World) -> None:
    for target in ("?next=https://evil.example/", "?next=//evil.example/x", "?next=javascript:x"):
        answer = log_in(client, next_path=target)
        assert answer.headers["Location"] == "/counter", target  # type: ignore[attr-defined]
    assert log_in(client, next_path="?next=/counter").headers["Location"] == "/counter"  # type: ignore[attr-defined]


def test_logout_needs_the_form_token(client: FlaskClient, world: World) -> None:
    log_in(client)
    client.post("/counter/logout", data={"csrf": "forged"})
    assert client.get("/counter").status_code == 200  # still logged in
    client.post("/counter/logout", data={"csrf": page_csrf(client)})
    assert client.get("/counter").status_code == 302


def test_a_deactivated_officer_is_logged_out(app: Flask, client: FlaskClient, world: World) -> None:
    from hall.models import User
    from hall.store.db import session_scope

    log_in(client)
    csrf = page_csrf(client)
    with session_scope(app) as session:
        session.query(User).filter_by(username="officer1").update({"active": False})
        session.commit()
    assert client.get("/counter").status_code == 302
    check_error(client.post("/api/v1/counters/1/open", headers={"X-CSRF-Token": csrf}), 401)
    assert log_in(client).status_code == 401  # type: ignore[attr-defined]


def test_logout_ends_every_copy_of_the_cookie(app: Flask, client: FlaskClient,
                                              world: World) -> None:
    log_in(client)
    csrf = page_csrf(client)
    copy = app.test_client()  # someone who copied the cookie before the logout
    cookie = client.get_cookie("session")
    assert cookie is not None
    copy.set_cookie("session", cookie.value)
    assert copy.get("/counter").status_code == 200
    client.post("/counter/logout", data={"csrf": csrf})
    assert copy.get("/counter").status_code == 302
    check_error(copy.post("/api/v1/counters/1/open", headers={"X-CSRF-Token": csrf}), 401)
    log_in(client)  # and a new login works, with a new session
    assert client.get("/counter").status_code == 200


def test_login_checks_the_form_token_before_the_password(
        app: Flask, client: FlaskClient, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A forged form costs no password hash; an unknown username costs the same hash as a
    wrong password, answered the same way; the username stays in the form."""
    from hall.engine import auth

    hashed: list[str] = []
    real = auth.check_password_hash

    def counting(stored: str, password: str) -> bool:
        hashed.append(stored)
        return real(stored, password)

    monkeypatch.setattr(auth, "check_password_hash", counting)
    form_csrf(client)  # the session and its token
    forged = client.post("/counter/login", data={"username": "officer1", "password": PASSWORD,
                                                 "csrf": "forged"})
    assert forged.status_code == 401 and hashed == []
    answers, methods = [], set()
    for username in ("officer1", "không-có-ai", "officer1\x00"):
        hashed.clear()
        answer = log_in(client, username=username, password="sai-mật-khẩu")
        assert answer.status_code == 401  # type: ignore[attr-defined]
        assert len(hashed) == 1, username  # one hash whoever it is...
        methods.add(hashed[0].split("$")[0])
        answers.append(answer.get_data(as_text=True))  # type: ignore[attr-defined]
    assert len(methods) == 1  # ...and of the same method and cost
    assert "Sai tên đăng nhập hoặc mật khẩu" in answers[0] and "Sai tên đăng nhập hoặc mật khẩu" in answers[1]
    assert 'value="officer1"' in answers[0] and 'value="không-có-ai"' in answers[1]


def test_security_headers_and_cookie_flags(client: FlaskClient, world: World) -> None:
    for path in ("/counter/login", "/kiosk", "/display", "/api/v1/openapi.json",
                 "/api/v1/queue", "/nowhere"):
        answer = client.get(path, headers=world.headers("display"))
        policy = answer.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "unsafe-inline" not in policy
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "same-origin"
    log_in(client)
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure  # served over plain http here


def test_the_cookie_is_secure_behind_https(sqlite_url: str) -> None:
    from tests.conftest import make_app

    app = make_app(sqlite_url, PUBLIC_URL="https://hcc.example.gov.vn")
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is True
    finally:
        app.extensions["hall.engine"].dispose()
