"""Several centres on one server: a centre's admin sees and changes only that centre; a
province's administrator (all_centres) works on any, chosen per request with X-Hall-Centre,
and adds centres."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hall.engine import admin
from hall.engine import auth
from hall.models import Centre
from hall.store.db import session_scope
from tests.conftest import Clock
from tests.factories import PASSWORD
from tests.factories import World
from tests.factories import build_world
from tests.test_api import check_error


@pytest.fixture
def province(app: Flask, world: World, clock: Clock) -> tuple[World, str]:
    """A second centre C2, and a province administrator homed in the first."""
    other = build_world(app, clock.now, "C2")
    with session_scope(app, writing=True) as session:
        home = session.query(Centre).filter_by(code="default").one()
        user = admin.add_user(session, home, "tinh", "admin", PASSWORD, clock.now,
                              "Sở Nội vụ", all_centres=True)
        token = auth.issue_user_token(session, user, clock.now)
        session.commit()
    return other, token


def get(client: FlaskClient, token: str, path: str, centre: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if centre:
        headers["X-Hall-Centre"] = centre
    return client.get("/api/v1" + path, headers=headers)


def test_a_centre_admin_stays_in_their_centre(client: FlaskClient, world: World,
                                              province: tuple[World, str]) -> None:
    admin_token = world.tokens["admin"]
    assert [c["code"] for c in get(client, admin_token, "/centres").get_json()] == ["default"]
    check_error(get(client, admin_token, "/fields", "C2"), 403, "forbidden")
    assert get(client, admin_token, "/fields", "default").status_code == 200  # its own: fine
    check_error(client.post("/api/v1/centres", json={"code": "C3", "name": "Xã C3"},
                            headers=world.headers("admin")), 403)
    check_error(client.post("/api/v1/users", json={"username": "t2", "role": "admin",
                                                   "password": "mat-khau-dai", "all_centres": True},
                            headers=world.headers("admin")), 403)


def test_a_province_admin_works_on_any_centre(client: FlaskClient, world: World,
                                              province: tuple[World, str]) -> None:
    other, token = province
    assert {c["code"] for c in get(client, token, "/centres").get_json()} == {"default", "C2"}
    theirs = get(client, token, "/devices", "C2").get_json()
    assert {d["name"] for d in theirs} == {d["name"] for d in
                                           get(client, other.tokens["admin"], "/devices").get_json()}
    headers = {"Authorization": f"Bearer {token}", "X-Hall-Centre": "C2"}
    changed = client.patch("/api/v1/fields/HT", json={"name": "Hộ tịch C2"}, headers=headers)
    assert changed.status_code == 200
    c2_fields = {f["code"]: f["name"] for f in get(client, other.tokens["kiosk"], "/fields").get_json()}
    own_fields = {f["code"]: f["name"] for f in get(client, world.tokens["kiosk"], "/fields").get_json()}
    assert c2_fields["HT"] == "Hộ tịch C2" and own_fields["HT"] == "Hộ tịch"
    log = client.get("/api/v1/audit", query_string={"from": "2026-03-02", "to": "2026-03-02"},
                     headers={"Authorization": f"Bearer {other.tokens['admin']}"}).get_json()
    assert [(e["username"], e["action"]) for e in log] == [("tinh", "update_field")]
    check_error(get(client, token, "/fields", "NOPE"), 404, "unknown_centre")
    made = client.post("/api/v1/centres", json={"code": "C3", "name": "Xã C3"},
                       headers={"Authorization": f"Bearer {token}"})
    assert made.status_code == 201 and made.get_json() == {"code": "C3", "name": "Xã C3"}
    check_error(client.post("/api/v1/centres", json={"code": "C3", "name": "Lại"},
                            headers={"Authorization": f"Bearer {token}"}), 409)
    check_error(client.post("/api/v1/centres", json={"code": "C4", "name": "X",
                                                     "timezone": "Mars/Base"},
                            headers={"Authorization": f"Bearer {token}"}), 400)
    made_user = client.post("/api/v1/users", json={"username": "tinh2", "role": "admin",
                                                   "password": "mat-khau-dai", "all_centres": True},
                            headers={"Authorization": f"Bearer {token}"})
    assert made_user.status_code == 201 and made_user.get_json()["all_centres"] is True
    check_error(client.post("/api/v1/users", json={"username": "tinh3", "role": "manager",
                                                   "password": "mat-khau-dai", "all_centres": True},
                            headers={"Authorization": f"Bearer {token}"}), 400)


def test_a_centre_admin_cannot_take_over_a_province_admin(client: FlaskClient, world: World,
                                                          province: tuple[World, str]) -> None:
    _, token = province
    centre_admin = world.headers("admin")
    check_error(client.post("/api/v1/users/tinh/tokens", headers=centre_admin), 403)
    check_error(client.patch("/api/v1/users/tinh", json={"password": "mat-khau-moi-dai"},
                             headers=centre_admin), 403)
    tokens = client.get("/api/v1/tokens", headers=centre_admin).get_json()
    theirs = next(t for t in tokens if t["user"] == "tinh")
    check_error(client.post(f"/api/v1/tokens/{theirs['id']}/revoke", headers=centre_admin), 403)
    assert get(client, token, "/fields", "C2").status_code == 200  # untouched
    # demoted, a province administrator no longer reaches other centres
    province_admin = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/users", json={
        "username": "tinh2", "role": "admin", "password": "mat-khau-dai", "all_centres": True},
        headers=province_admin).status_code == 201
    second = client.post("/api/v1/users/tinh2/tokens", headers=province_admin).get_json()["token"]
    assert get(client, second, "/fields", "C2").status_code == 200
    demoted = client.patch("/api/v1/users/tinh2", json={"role": "manager"}, headers=province_admin)
    assert demoted.status_code == 200 and demoted.get_json()["all_centres"] is False
    check_error(get(client, second, "/fields", "C2"), 403)
    check_error(client.post("/api/v1/tokens/99999999999/revoke", headers=centre_admin), 404)
