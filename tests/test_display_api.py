"""Display settings of a centre, and each display's choice of counters and fields."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from hall.api import schemas
from hall.models import Device
from hall.store.db import session_scope
from tests.factories import World
from tests.factories import post
from tests.test_api import check_error


def put(client: FlaskClient, world: World, who: str, body: object) -> object:
    return client.put("/api/v1/centre/display", json=body, headers=world.headers(who))


def test_display_settings(client: FlaskClient, world: World) -> None:
    defaults = client.get("/api/v1/centre/display", headers=world.headers("display")).get_json()
    schemas.DisplaySettingsOut.model_validate(defaults)
    assert (defaults["voice"], defaults["call_repeat"], defaults["call_languages"]) == ("server", 1, ["vi"])
    changed = put(client, world, "admin", {"ticker": "Nghỉ trưa 11:30–13:30", "call_repeat": 2,
                                           "call_languages": ["vi", "en"]})
    assert changed.status_code == 200  # type: ignore[attr-defined]
    now = client.get("/api/v1/centre/display", headers=world.headers("display")).get_json()
    assert (now["ticker"], now["call_repeat"], now["call_languages"], now["voice"]) == (
        "Nghỉ trưa 11:30–13:30", 2, ["vi", "en"], "server")  # untouched keys keep their value
    for bad in ({"call_repeat": 0}, {"call_repeat": 4}, {"voice": "loud"}, {"call_languages": []},
                {"call_languages": ["vi", "vi"]}, {"call_languages": ["fr"]}, {"ticker": "x" * 501},
                {"colour": "red"}):
        check_error(put(client, world, "admin", bad), 400, "invalid_body")
    check_error(put(client, world, "manager", {"call_repeat": 1}), 403)
    after = client.get("/api/v1/centre/display", headers=world.headers("display")).get_json()
    assert after == now  # refused changes changed nothing


def test_display_device_shows_chosen_counters_and_fields(app: Flask, client: FlaskClient,
                                                         world: World) -> None:
    made = post(client, world, "admin", "/devices", {"kind": "display", "name": "Màn hình tầng 2",
                                                     "counters": [1, 3], "fields": ["HT"]})
    assert made.status_code == 201
    with session_scope(app) as session:
        device = session.get_one(Device, made.get_json()["id"])
        assert device.settings == {"counters": [1, 3], "fields": ["HT"]}
    with session_scope(app) as session:
        before = session.query(Device).count()
    check_error(post(client, world, "admin", "/devices", {"kind": "display", "name": "X",
                                                          "counters": [9]}), 404, "unknown_counter")
    check_error(post(client, world, "admin", "/devices", {"kind": "display", "name": "X",
                                                          "fields": ["ZZ"]}), 404, "unknown_field")
    check_error(post(client, world, "admin", "/devices", {"kind": "kiosk", "name": "X",
                                                          "counters": [1]}), 400, "invalid_body")
    with session_scope(app) as session:
        assert session.query(Device).count() == before  # refused devices were not created
    page = client.get(f"/display?token={made.get_json()['token']}")
    assert page.status_code == 302 and page.headers["Location"] == "/display"
    html = client.get("/display").get_data(as_text=True)
    assert '"counters": [1, 3]' in html and '"fields": ["HT"]' in html
    narrowed = client.get("/display?counters=2").get_data(as_text=True)
    assert '"counters": [2]' in narrowed
    check_error(client.get("/display?counters=a,b"), 400, "invalid_parameters")


def test_unpaired_screens_say_how_to_pair(client: FlaskClient, world: World) -> None:
    for path in ("/display", "/display/door"):
        unpaired = client.get(path)
        assert unpaired.status_code == 401 and "chưa được ghép nối" in unpaired.get_data(as_text=True)
        wrong = client.get(f"{path}?token={world.tokens['kiosk']}")  # a kiosk token is not a display's
        assert wrong.status_code == 403 and "không hợp lệ" in wrong.get_data(as_text=True)
    paired = client.get(f"/display/door?token={world.tokens['door1']}")
    assert paired.status_code == 302
    assert "Quầy số 1" in client.get("/display/door").get_data(as_text=True)
    check_error(client.get("/display/door?counter=9"), 404, "unknown_counter")
