"""What each token may read of a ticket: staff and the ticket's own tracking token read it
whole; every device, the queue snapshot and the centre's screens read the public ticket;
a tracking token reads no other ticket, and nothing public carries a tracking link or a
record code."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import World
from tests.factories import issue
from tests.factories import post

PUBLIC = {"id", "number", "field", "status", "priority", "counter", "called_at"}


def _get(client: FlaskClient, token: str, path: str) -> Any:
    return client.get("/api/v1" + path, headers={"Authorization": f"Bearer {token}"})


def _served_with_records(client: FlaskClient, world: World) -> dict[str, Any]:
    """A ticket called at counter 1 with a record code attached (the private parts)."""
    issue(client, world, "HT")
    assert post(client, world, "officer1", "/counters/1/open").status_code == 200
    called = post(client, world, "officer1", "/counters/1/call-next").get_json()
    added = post(client, world, "officer1", f"/tickets/{called['id']}/records",
                 {"codes": ["000.00.12.H12-261201-0001"]})
    assert added.status_code == 200
    body: dict[str, Any] = added.get_json()
    return body


def test_who_reads_what_of_a_ticket(client: FlaskClient, world: World) -> None:
    mine = _served_with_records(client, world)
    other = issue(client, world, "CT")
    path = f"/tickets/{mine['id']}"
    for who in ("admin", "manager", "officer1", "officer2"):
        answer = _get(client, world.tokens[who], path)
        assert answer.status_code == 200 and answer.get_json()["records"] == mine["records"]
        assert answer.get_json()["track_url"] == mine["track_url"]
    for who in ("kiosk", "display", "door1", "tablet1", "tablet2"):
        answer = _get(client, world.tokens[who], path)
        assert answer.status_code == 200, who
        assert set(answer.get_json()) == PUBLIC, who
        assert answer.get_json() == {key: mine[key] for key in PUBLIC}
    tracking = mine["track_url"].rsplit("/", 1)[1]
    own = _get(client, tracking, path)
    assert own.status_code == 200 and own.get_json()["records"] == mine["records"]
    assert own.get_json()["track_url"] == mine["track_url"]
    refused = _get(client, tracking, f"/tickets/{other['id']}")
    assert refused.status_code == 404 and refused.get_json()["error"]["code"] == "unknown_ticket"
    # a tracking token reads its ticket and nothing else
    assert _get(client, tracking, "/queue").status_code == 403
    assert _get(client, tracking, "/fields").status_code == 403
    assert _get(client, tracking + "x", path).status_code == 401


def test_the_queue_carries_public_tickets_only(client: FlaskClient, world: World) -> None:
    mine = _served_with_records(client, world)
    waiting = issue(client, world, "HT")
    for who in ("display", "kiosk", "officer1", "admin"):
        answer = _get(client, world.tokens[who], "/queue")
        assert answer.status_code == 200
        text = json.dumps(answer.get_json(), ensure_ascii=False)
        for secret in (mine["track_url"], waiting["track_url"], *mine["records"]):
            assert secret.rsplit("/", 1)[-1] not in text, (who, secret)
        busy = [c["ticket"] for c in answer.get_json()["counters"] if c["ticket"]]
        assert [set(ticket) for ticket in busy] == [PUBLIC]
        assert all(set(call["ticket"]) == PUBLIC for call in answer.get_json()["recent"])


def test_a_tracking_token_of_an_earlier_day_opens_nothing(app: Flask, client: FlaskClient,
                                                          world: World, clock: Any) -> None:
    from hall.web.sockets import socketio

    mine = issue(client, world, "HT")
    tracking = mine["track_url"].rsplit("/", 1)[1]
    assert _get(client, tracking, f"/tickets/{mine['id']}").status_code == 200
    today = socketio.test_client(app, auth={"token": tracking})
    assert today.is_connected()
    today.disconnect()
    clock.advance(24 * 3600)
    assert _get(client, tracking, f"/tickets/{mine['id']}").status_code == 401
    assert not socketio.test_client(app, auth={"token": tracking}).is_connected()
