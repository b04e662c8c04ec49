"""The auth matrix: every endpoint × no token, bad token, every role and device kind."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.factories import World

WHO = ["admin", "manager", "officer1", "kiosk", "display", "tablet1"]
USERS = {"admin", "manager", "officer1"}
EVERYONE = set(WHO)
ENDPOINTS = [
    ("POST", "/fields", {"code": "XD", "name": "Xây dựng"}, {"admin"}),
    ("GET", "/fields", None, EVERYONE),
    ("POST", "/counters", {"number": 9, "fields": ["HT"]}, {"admin"}),
    ("POST", "/devices", {"kind": "display", "name": "Màn hình 2"}, {"admin"}),
    ("POST", "/users", {"username": "u9", "role": "officer", "password": "12345678"}, {"admin"}),
    ("POST", "/users/officer2/tokens", None, {"admin"}),
    ("POST", "/tickets", {"field": "HT"}, USERS | {"kiosk"}),
    ("GET", "/tickets/1", None, EVERYONE),
    ("POST", "/tickets/1/cancel", None, USERS),
    ("GET", "/queue", None, EVERYONE),
    ("POST", "/counters/1/open", None, USERS),
    ("POST", "/counters/1/close", None, USERS),
    ("POST", "/counters/1/call-next", None, USERS),
    ("POST", "/counters/1/recall", None, USERS),
    ("POST", "/counters/1/start", None, USERS),
    ("POST", "/counters/1/finish", None, USERS),
    ("POST", "/counters/1/no-show", None, USERS),
    ("POST", "/counters/1/transfer", {"field": "CT"}, USERS),
    ("POST", "/ratings", {"ticket": 1, "level": "satisfied"}, {"tablet1"}),
    ("GET", "/stats?from=2026-03-01&to=2026-03-02", None, {"admin", "manager"}),
    ("PUT", "/centre/opening-hours", {"days": {}}, {"admin"}),
    ("GET", "/devices", None, {"admin", "manager"}),
    ("POST", "/tickets/1/reprint", None, USERS),
    ("GET", "/tokens", None, {"admin"}),
    ("GET", "/users", None, {"admin", "manager"}),
    ("GET", "/centre", None, {"admin", "manager"}),
    ("POST", "/devices/5/test-print", None, {"admin"}),
    ("PATCH", "/centre", {"ticket_footer": "Xin cảm ơn"}, {"admin"}),
    ("PATCH", "/users/officer3", {"full_name": "Lê Văn C"}, {"admin"}),
    ("PATCH", "/fields/DD", {"icon": "map"}, {"admin"}),
    ("GET", "/audit?from=2026-03-02&to=2026-03-02", None, {"admin", "manager"}),
    ("POST", "/tokens/5/revoke", None, {"admin"}),  # officer3's, who is not in WHO
    ("POST", "/devices/5/revoke", None, {"admin"}),  # tablet3, not in WHO
]


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS,
                         ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS])
def test_matrix(client: FlaskClient, world: World, method: str, path: str, body: object,
                allowed: set[str]) -> None:
    url = "/api/v1" + path
    anonymous = client.open(url, method=method, json=body)
    assert anonymous.status_code == 401
    assert anonymous.get_json()["error"]["code"] == "unauthorized"
    forged = client.open(url, method=method, json=body, headers={"Authorization": "Bearer nope"})
    assert forged.status_code == 401
    basic = client.open(url, method=method, json=body, headers={"Authorization": "Basic eDp5"})
    assert basic.status_code == 401
    client.post("/api/v1/tickets", json={"field": "HT"}, headers=world.headers("kiosk"))
    if path == "/tickets/1/cancel":  # an officer cancels only what their counter would call
        client.post("/api/v1/counters/1/open", headers=world.headers("officer1"))
    if path == "/ratings":  # only the tablet of the counter that served ticket 1 may rate it
        for step in ("open", "call-next", "finish"):
            client.post(f"/api/v1/counters/1/{step}", headers=world.headers("officer1"))
    for who in WHO:
        response = client.open(url, method=method, json=body, headers=world.headers(who))
        if who in allowed:
            assert response.status_code not in (401, 403), (who, response.get_json())
            assert response.status_code < 500
        else:
            assert response.status_code == 403, (who, response.status_code)
            assert response.get_json()["error"]["code"] == "forbidden"


def test_openapi_needs_no_token(client: FlaskClient) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 200
