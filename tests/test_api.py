"""Every REST endpoint of docs/api.md through the app, with the fixed clock."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy import select

from hall.api import schemas
from hall.models import Centre
from hall.models import Ticket
from hall.store.db import session_scope
from tests.conftest import Clock
from tests.factories import World
from tests.factories import issue
from tests.factories import post


def ticket_count(app: Flask) -> int:
    with session_scope(app) as session:
        return session.scalar(select(func.count()).select_from(Ticket)) or 0


def check_error(response: Any, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    schemas.ErrorOut.model_validate(body)
    if code:
        assert body["error"]["code"] == code


def test_whole_service_through_the_api(client: FlaskClient, world: World, clock: Clock) -> None:
    first = issue(client, world, "HT")
    second = issue(client, world, "HT")
    schemas.TicketOut.model_validate(first)
    assert (first["number"], first["status"], first["waiting_ahead"]) == ("A001", "waiting", 0)
    assert second["waiting_ahead"] == 1 and second["estimated_wait_s"] == 300
    assert first["issued_at"] == "2026-03-02T09:00:00+07:00"
    assert len(first["track_url"]) >= len("/t/") + 22

    counter = post(client, world, "officer1", "/counters/1/open").get_json()
    schemas.CounterOut.model_validate(counter)
    assert counter["officer"]["username"] == "officer1" and counter["state"] == "open"
    clock.advance(60)
    called = post(client, world, "officer1", "/counters/1/call-next")
    assert called.status_code == 200
    assert called.get_json()["number"] == "A001" and called.get_json()["counter"] == 1
    assert post(client, world, "officer1", "/counters/1/recall").get_json()["status"] == "called"
    assert post(client, world, "officer1", "/counters/1/start").get_json()["status"] == "serving"
    clock.advance(300)
    done = post(client, world, "officer1", "/counters/1/finish").get_json()
    assert done["status"] == "done" and done["finished_at"] == "2026-03-02T09:06:00+07:00"

    rating = post(client, world, "tablet1", "/ratings",
                  {"ticket": first["id"], "level": "very_satisfied"})
    assert rating.status_code == 201
    schemas.RatingOut.model_validate(rating.get_json())
    again = post(client, world, "tablet1", "/ratings", {"ticket": first["id"], "level": "satisfied"})
    check_error(again, 409, "already_rated")

    queue = client.get("/api/v1/queue", headers=world.headers("display")).get_json()
    schemas.QueueOut.model_validate(queue)
    assert {f["code"]: f["waiting"] for f in queue["fields"]} == {"HT": 1, "CT": 0, "DD": 0}
    assert queue["recent"][0]["recall"] is True and queue["recent"][1]["recall"] is False
    assert queue["recent"][0]["ticket"]["number"] == "A001"


def test_idempotency_key_gives_the_same_ticket(app: Flask, client: FlaskClient,
                                                world: World) -> None:
    body = {"field": "CT"}
    first = post(client, world, "kiosk", "/tickets", body, **{"Idempotency-Key": "tap-1"})
    again = post(client, world, "kiosk", "/tickets", body, **{"Idempotency-Key": "tap-1"})
    other = post(client, world, "officer1", "/tickets", body, **{"Idempotency-Key": "tap-1"})
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert first.get_json()["id"] == again.get_json()["id"] != other.get_json()["id"]
    assert ticket_count(app) == 2
    check_error(post(client, world, "kiosk", "/tickets", body, **{"Idempotency-Key": "x" * 201}),
                400, "invalid_idempotency_key")


def test_ticket_lookup_and_cancel(client: FlaskClient, world: World) -> None:
    ticket = issue(client, world, "DD", priority=True)
    got = client.get(f"/api/v1/tickets/{ticket['id']}", headers=world.headers("officer1"))
    assert ticket.pop("print") is None  # the kiosk of the test world has no printer
    assert got.get_json() == ticket
    check_error(client.get("/api/v1/tickets/999", headers=world.headers("display")), 404,
                "unknown_ticket")
    check_error(client.get(f"/api/v1/tickets/{2**63}", headers=world.headers("display")), 404)
    cancelled = post(client, world, "manager", f"/tickets/{ticket['id']}/cancel")
    assert cancelled.get_json()["status"] == "cancelled"
    check_error(post(client, world, "manager", f"/tickets/{ticket['id']}/cancel"), 409,
                "wrong_state")


def test_priority_category_from_the_centre(client: FlaskClient, world: World) -> None:
    ticket = issue(client, world, "HT", priority_category="elderly")
    assert ticket["priority"] is True and ticket["priority_category"] == "elderly"
    check_error(post(client, world, "kiosk", "/tickets",
                     {"field": "HT", "priority_category": "vip"}), 400)


def test_counter_states_and_conflicts(client: FlaskClient, world: World) -> None:
    check_error(post(client, world, "officer1", "/counters/1/call-next"), 409, "counter_closed")
    assert post(client, world, "officer1", "/counters/1/open").status_code == 200
    check_error(post(client, world, "officer2", "/counters/1/open"), 409, "counter_busy")
    check_error(post(client, world, "officer1", "/counters/2/open"), 409,
                "officer_at_other_counter")
    assert post(client, world, "officer1", "/counters/1/call-next").status_code == 204
    check_error(post(client, world, "officer1", "/counters/1/start"), 409, "no_current_ticket")
    check_error(post(client, world, "officer1", "/counters/9/open"), 404, "unknown_counter")
    issue(client, world, "HT")
    post(client, world, "officer1", "/counters/1/call-next")
    check_error(post(client, world, "officer1", "/counters/1/call-next"), 409, "ticket_in_progress")
    check_error(post(client, world, "officer1", "/counters/1/close"), 409, "ticket_in_progress")
    assert post(client, world, "officer1", "/counters/1/no-show").get_json()["status"] == "no_show"
    closed = post(client, world, "officer1", "/counters/1/close").get_json()
    assert closed["state"] == "closed" and closed["officer"] is None
    assert post(client, world, "officer2", "/counters/1/open").status_code == 200


def test_transfer_to_field_and_counter(client: FlaskClient, world: World) -> None:
    original = issue(client, world, "HT")
    post(client, world, "officer1", "/counters/1/open")
    post(client, world, "officer1", "/counters/1/call-next")
    check_error(post(client, world, "officer1", "/counters/1/transfer", {}), 400)
    check_error(post(client, world, "officer1", "/counters/1/transfer",
                     {"field": "DD", "counter": 2}), 400)
    check_error(post(client, world, "officer1", "/counters/1/transfer", {"field": "XX"}), 404)
    moved = post(client, world, "officer1", "/counters/1/transfer", {"field": "DD"}).get_json()
    assert (moved["number"], moved["field"]["code"], moved["status"]) == ("A001", "DD", "waiting")
    assert moved["transferred_from"] == original["id"] and moved["track_url"] == original["track_url"]
    post(client, world, "officer3", "/counters/3/open")
    assert post(client, world, "officer3", "/counters/3/call-next").get_json()["id"] == moved["id"]
    to_two = post(client, world, "officer3", "/counters/3/transfer", {"counter": 2}).get_json()
    assert to_two["field"]["code"] == "DD" and to_two["status"] == "waiting"
    post(client, world, "officer2", "/counters/2/open")
    assert post(client, world, "officer2", "/counters/2/call-next").get_json()["id"] == to_two["id"]


def test_rating_rules(app: Flask, client: FlaskClient, world: World) -> None:
    ticket = issue(client, world, "HT")
    post(client, world, "officer1", "/counters/1/open")
    post(client, world, "officer1", "/counters/1/call-next")
    check_error(post(client, world, "tablet1", "/ratings", {"ticket": ticket["id"],
                                                            "level": "satisfied"}), 409)
    post(client, world, "officer1", "/counters/1/finish")
    check_error(post(client, world, "tablet2", "/ratings", {"ticket": ticket["id"],
                                                            "level": "satisfied"}), 403)
    check_error(post(client, world, "tablet1", "/ratings", {"ticket": ticket["id"],
                                                            "level": "neutral"}), 400)
    check_error(post(client, world, "tablet1", "/ratings", {"ticket": ticket["id"],
                 "level": "dissatisfied", "reasons": ["rude"]}), 400, "unknown_reason")
    with session_scope(app) as session:
        session.scalars(select(Centre)).first().rating_scale = 4  # type: ignore[union-attr]
        session.commit()
    rated = post(client, world, "tablet1", "/ratings", {
        "ticket": ticket["id"], "level": "neutral", "reasons": ["waiting_time", "other"],
        "comment": "Chờ hơi lâu, cán bộ nhiệt tình."})
    assert rated.status_code == 201 and rated.get_json()["reasons"] == ["waiting_time", "other"]


def test_admin_configuration(client: FlaskClient, world: World) -> None:
    field = post(client, world, "admin", "/fields", {"code": "XD", "name": "Xây dựng",
                                                     "name_en": "Construction"})
    assert field.status_code == 201 and field.get_json()["prefix"] == "D"
    check_error(post(client, world, "admin", "/fields", {"code": "XD", "name": "Lặp"}), 409)
    block = post(client, world, "admin", "/fields", {"code": "MT", "name": "Môi trường",
                                                     "block_start": 1001, "block_end": 1999})
    assert block.status_code == 201
    assert issue(client, world, "MT")["number"] == "1001"
    check_error(post(client, world, "admin", "/fields", {"code": "NN", "name": "N",
                                                         "block_start": 5}), 400)
    counter = post(client, world, "admin", "/counters", {"number": 7, "fields": ["XD", "MT"]})
    assert counter.status_code == 201 and counter.get_json()["fields"] == ["XD", "MT"]
    check_error(post(client, world, "admin", "/counters", {"number": 7, "fields": []}), 409)
    check_error(post(client, world, "admin", "/counters", {"number": 8, "fields": ["ZZ"]}), 404)
    device = post(client, world, "admin", "/devices", {"kind": "kiosk", "name": "Kiosk 2",
                                                       "printer": "network://10.0.0.5:9100"})
    assert device.status_code == 201
    schemas.DeviceOut.model_validate(device.get_json())
    token = device.get_json()["token"]
    assert client.get("/api/v1/fields", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    check_error(post(client, world, "admin", "/devices", {"kind": "tablet", "name": "T"}), 400)
    for address in ("lpt1", "usb://zz:1", "network://h?confirm=maybe"):
        check_error(post(client, world, "admin", "/devices", {"kind": "kiosk", "name": "K",
                                                              "printer": address}), 400)
    assert post(client, world, "admin", "/devices", {"kind": "kiosk", "name": "K3", "printer":
                                                     "network://10.0.0.6?confirm=no"}).status_code == 201
    user = post(client, world, "admin", "/users", {"username": "canbo9", "role": "officer",
                                                   "password": "đủ-dài-rồi", "full_name": "Cán bộ"})
    assert user.status_code == 201 and "password" not in user.get_json()
    check_error(post(client, world, "admin", "/users", {"username": "canbo9", "role": "officer",
                                                        "password": "12345678"}), 409)
    check_error(post(client, world, "admin", "/users", {"username": "x", "role": "officer",
                                                        "password": "short"}), 400)
    new_token = post(client, world, "admin", "/users/canbo9/tokens").get_json()["token"]
    opened = client.post("/api/v1/counters/7/open", headers={"Authorization": f"Bearer {new_token}"})
    assert opened.get_json()["officer"]["username"] == "canbo9"
    check_error(post(client, world, "admin", "/users/nobody/tokens"), 404)
    fields = client.get("/api/v1/fields", headers=world.headers("kiosk")).get_json()
    assert [f["code"] for f in fields][:3] == ["HT", "CT", "DD"]
    assert {f["code"]: f["waiting"] for f in fields}["MT"] == 1


BAD_BODIES = [
    (b"{", "invalid_json"),
    (b"", "invalid_json"),
    (b"[]", "invalid_body"),
    (b'"HT"', "invalid_body"),
    (b'{"field": 5}', "invalid_body"),
    (b'{"field": "HT", "priority": "yes"}', "invalid_body"),
    (b'{"field": "HT", "priority": 1}', "invalid_body"),
    (b'{"field": "' + b"H" * 10_000 + b'"}', "invalid_body"),
    (b'{"field": "HT", "extra": 1}', "invalid_body"),
    (b'{"field": null}', "invalid_body"),
    (b'{"field": "H T"}', "invalid_body"),
    (b'\xff\xfe{"field": "HT"}', "invalid_json"),
]


@pytest.mark.parametrize(("raw", "code"), BAD_BODIES)
def test_bad_ticket_bodies_change_nothing(app: Flask, client: FlaskClient, world: World,
                                          raw: bytes, code: str) -> None:
    response = client.post("/api/v1/tickets", data=raw, headers=world.headers(
        "kiosk", **{"Content-Type": "application/json"}))
    check_error(response, 400, code)
    assert ticket_count(app) == 0


def test_oversized_body_and_unknown_routes(client: FlaskClient, world: World) -> None:
    huge = b'{"field": "HT", "comment": "' + b"x" * 100_000 + b'"}'
    check_error(client.post("/api/v1/tickets", data=huge, headers=world.headers("kiosk")), 413)
    check_error(client.get("/api/v1/nothing", headers=world.headers("kiosk")), 404)
    check_error(client.delete("/api/v1/tickets", headers=world.headers("kiosk")), 405)
    check_error(client.get("/api/v1/stats?from=2026-13-01&to=x", headers=world.headers("admin")), 400)
    check_error(client.get("/api/v1/stats?from=2026-03-05&to=2026-03-01",
                           headers=world.headers("admin")), 400)
    check_error(client.get("/api/v1/stats?from=2026-03-01&to=2026-03-02&by=planet",
                           headers=world.headers("admin")), 400)


def test_revoked_token_is_refused(app: Flask, client: FlaskClient, world: World,
                                  clock: Clock) -> None:
    from hall.models import Device

    assert client.get("/api/v1/queue", headers=world.headers("kiosk")).status_code == 200
    with session_scope(app) as session:
        for device in session.scalars(select(Device).where(Device.kind == "kiosk")):
            device.revoked_at = clock.now
        session.commit()
    check_error(client.get("/api/v1/queue", headers=world.headers("kiosk")), 401, "unauthorized")
    check_error(post(client, world, "kiosk", "/tickets", {"field": "HT"}), 401)
    assert ticket_count(app) == 0


def test_a_failed_announcement_loses_nothing(app: Flask, client: FlaskClient, world: World,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Redis down between commit and emit: the answer is still right, the state has it."""
    from hall.web import sockets

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("message queue unreachable")

    monkeypatch.setattr(sockets.socketio, "emit", broken)
    ticket = issue(client, world, "HT")
    post(client, world, "officer1", "/counters/1/open")
    called = post(client, world, "officer1", "/counters/1/call-next")
    assert called.status_code == 200 and called.get_json()["id"] == ticket["id"]
    assert post(client, world, "officer1", "/counters/1/finish").status_code == 200
    queue = client.get("/api/v1/queue", headers=world.headers("display")).get_json()
    assert queue["recent"][0]["ticket"]["id"] == ticket["id"]


def test_opening_hours_close_the_kiosk_not_the_officer(client: FlaskClient, world: World,
                                                      clock: Clock) -> None:
    # The clock starts Monday 2 March 2026, 09:00 in Hà Nội.
    hours = {"days": {"0": [["07:30", "11:30"], ["13:30", "17:00"]]}}
    assert client.put("/api/v1/centre/opening-hours", json=hours,
                      headers=world.headers("admin")).status_code == 200
    assert issue(client, world)["number"] == "A001"
    clock.advance(3 * 3600)  # 12:00, the lunch break
    check_error(post(client, world, "kiosk", "/tickets", {"field": "HT"}), 409, "outside_hours")
    fields = client.get("/api/v1/fields", headers=world.headers("kiosk")).get_json()
    assert {f["state"] for f in fields} == {"outside_hours"}
    assert post(client, world, "officer1", "/tickets", {"field": "HT"}).status_code == 201
    clock.advance(2 * 3600)  # 14:00
    assert issue(client, world)["number"] == "A003"
    clock.advance(24 * 3600)  # Tuesday: no sessions set
    check_error(post(client, world, "kiosk", "/tickets", {"field": "HT"}), 409, "outside_hours")
    for bad in ({"days": {"0": [["11:30", "07:30"]]}}, {"days": {"8": []}},
                {"days": {"0": [["7:30", "11:30"]]}}):
        check_error(client.put("/api/v1/centre/opening-hours", json=bad,
                               headers=world.headers("admin")), 400)
    assert client.put("/api/v1/centre/opening-hours", json=hours,
                      headers=world.headers("manager")).status_code == 403
