"""The calls the officer console needs: pause/resume, call a given number, the waiting list,
today's figures, record codes (mã hồ sơ), and the counter.updated event."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from hall.api import schemas
from hall.web.sockets import socketio
from tests.conftest import Clock
from tests.factories import World
from tests.factories import issue
from tests.factories import post
from tests.test_api import check_error
from tests.test_api import ticket_count


def test_pause_stops_calls_until_resume(app: Flask, client: FlaskClient, world: World) -> None:
    issue(client, world, "HT")
    post(client, world, "officer1", "/counters/1/open")
    display = socketio.test_client(app, auth={"token": world.tokens["display"]})
    paused = post(client, world, "officer1", "/counters/1/pause", {"reason": "Họp giao ban"})
    assert paused.status_code == 200
    assert (paused.get_json()["state"], paused.get_json()["pause_reason"]) == ("paused", "Họp giao ban")
    updates = [e["args"][0]["counter"] for e in display.get_received() if e["name"] == "counter.updated"]
    assert updates and updates[-1]["number"] == 1 and updates[-1]["state"] == "paused"
    display.disconnect()
    check_error(post(client, world, "officer1", "/counters/1/call-next"), 409, "counter_paused")
    check_error(post(client, world, "officer1", "/counters/1/call", {"number": "A001"}), 409,
                "counter_paused")
    check_error(post(client, world, "officer2", "/counters/1/resume"), 409, "counter_busy")
    check_error(post(client, world, "officer1", "/counters/1/pause", {"reason": ""}), 400, "invalid_body")
    resumed = post(client, world, "officer1", "/counters/1/resume").get_json()
    assert (resumed["state"], resumed["pause_reason"]) == ("open", None)
    assert post(client, world, "officer1", "/counters/1/call-next").get_json()["number"] == "A001"
    check_error(post(client, world, "officer1", "/counters/1/pause", {"reason": "Nghỉ"}), 409,
                "ticket_in_progress")


def test_call_a_given_number(app: Flask, client: FlaskClient, world: World) -> None:
    first, second = issue(client, world, "HT"), issue(client, world, "DD")
    post(client, world, "officer1", "/counters/1/open")
    # Counter 1 does not serve Đất đai, but an officer may call any waiting number by hand.
    called = post(client, world, "officer1", "/counters/1/call", {"number": "c001"})
    assert called.status_code == 200
    assert (called.get_json()["id"], called.get_json()["status"], called.get_json()["counter"]) == (
        second["id"], "called", 1)
    check_error(post(client, world, "officer1", "/counters/1/call", {"number": "A001"}), 409,
                "ticket_in_progress")
    post(client, world, "officer1", "/counters/1/finish")
    check_error(post(client, world, "officer1", "/counters/1/call", {"number": "C001"}), 409, "wrong_state")
    check_error(post(client, world, "officer1", "/counters/1/call", {"number": "A999"}), 404,
                "unknown_ticket")
    check_error(post(client, world, "officer1", "/counters/1/call", {"number": "A-1"}), 400, "invalid_body")
    post(client, world, "officer2", "/counters/2/open")
    by_hand = post(client, world, "officer2", "/counters/2/call", {"number": "A001"})
    assert by_hand.get_json()["id"] == first["id"]


def test_waiting_list_is_in_call_order(client: FlaskClient, world: World) -> None:
    a1, b1 = issue(client, world, "HT"), issue(client, world, "CT")
    a2 = issue(client, world, "HT", priority=True)
    issue(client, world, "DD")  # not for counter 1
    listed = client.get("/api/v1/counters/1/waiting", headers=world.headers("officer1"))
    assert listed.status_code == 200
    rows = listed.get_json()
    for row in rows:
        schemas.TicketOut.model_validate(row)
    assert [row["id"] for row in rows] == [a2["id"], a1["id"], b1["id"]]
    post(client, world, "officer1", "/counters/1/open")
    assert post(client, world, "officer1", "/counters/1/call-next").get_json()["id"] == rows[0]["id"]
    check_error(client.get("/api/v1/counters/1/waiting", headers=world.headers("kiosk")), 403)
    check_error(client.get("/api/v1/counters/99/waiting", headers=world.headers("officer1")), 404)


def test_todays_figures_for_a_counter(client: FlaskClient, world: World, clock: Clock) -> None:
    empty = client.get("/api/v1/counters/1/today", headers=world.headers("officer1")).get_json()
    assert (empty["key"], empty["served"], empty["wait_s"]["avg"]) == (1, 0, None)
    issue(client, world, "HT")
    clock.advance(120)
    post(client, world, "officer1", "/counters/1/open")
    post(client, world, "officer1", "/counters/1/call-next")
    clock.advance(30)
    post(client, world, "officer1", "/counters/1/start")
    clock.advance(300)
    post(client, world, "officer1", "/counters/1/finish")
    row = client.get("/api/v1/counters/1/today", headers=world.headers("officer1")).get_json()
    schemas.StatsRow.model_validate(row)
    assert (row["served"], row["wait_s"]["avg"], row["service_s"]["avg"]) == (1, 120.0, 300.0)


def test_record_codes(app: Flask, client: FlaskClient, world: World) -> None:
    ticket = issue(client, world, "HT")
    assert ticket["records"] == []
    path = f"/tickets/{ticket['id']}/records"
    post(client, world, "officer1", "/counters/1/open")
    check_error(post(client, world, "officer1", path, {"codes": ["000.00.12.H12-261121-0001"]}), 409,
                "wrong_state")
    post(client, world, "officer1", "/counters/1/call-next")
    codes = ["000.00.12.H12-261121-0001", "H12.22-261121-0002"]
    added = post(client, world, "officer1", path, {"codes": codes})
    assert added.status_code == 200 and added.get_json()["records"] == codes
    again = post(client, world, "officer1", path, {"codes": [codes[1], "X-3"]}).get_json()
    assert again["records"] == [*codes, "X-3"]  # a repeated code is kept once
    for bad in ({"codes": []}, {"codes": ["có dấu"]}, {"codes": ["x" * 65]}, {"codes": "X"}):
        check_error(post(client, world, "officer1", path, bad), 400, "invalid_body")
    check_error(post(client, world, "kiosk", path, {"codes": ["Y"]}), 403)
    removed = client.delete(f"/api/v1{path}/X-3", headers=world.headers("officer1"))
    assert removed.get_json()["records"] == codes
    check_error(client.delete(f"/api/v1{path}/X-3", headers=world.headers("officer1")), 404, "unknown_record")
    post(client, world, "officer1", "/counters/1/finish")
    fetched = client.get(f"/api/v1/tickets/{ticket['id']}", headers=world.headers("manager")).get_json()
    assert fetched["records"] == codes
    assert ticket_count(app) == 1
