"""Small contract holes: 405 names the allowed methods; an Idempotency-Key sent again with
another request is refused (422) and issues nothing; names are stored NFC and trimmed, and
names that show nothing or hide characters are refused, over the API and the CLI alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy import select

from hall.models import Field
from hall.models import Ticket
from hall.models import User
from hall.store.db import session_scope
from tests.factories import World
from tests.factories import post
from tests.test_api import check_error
from tests.test_cli import hall


def test_405_names_the_allowed_methods(client: FlaskClient, world: World) -> None:
    answer = client.delete("/api/v1/queue", headers=world.headers("admin"))
    check_error(answer, 405, "method_not_allowed")
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) >= {"GET"}
    assert "DELETE" not in answer.headers["Allow"]


def _tickets(app: Flask) -> int:
    with session_scope(app) as session:
        return int(session.scalar(select(func.count(Ticket.id))) or 0)


def test_a_key_sent_again_with_another_request(app: Flask, client: FlaskClient,
                                               world: World) -> None:
    key = {"Idempotency_Key": "kiosk-1-tap-42"}
    first = post(client, world, "kiosk", "/tickets", {"field": "HT"}, **key)
    assert first.status_code == 201
    again = post(client, world, "kiosk", "/tickets", {"field": "HT"}, **key)
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    count = _tickets(app)
    for other in ({"field": "CT"}, {"field": "HT", "priority": True},
                  {"field": "HT", "priority_category": "elderly"}):
        check_error(post(client, world, "kiosk", "/tickets", other, **key), 422,
                    "idempotency_key_reused")
    assert _tickets(app) == count  # nothing issued
    # a category implies priority: the same request, however it says so, is the same
    key2 = {"Idempotency_Key": "kiosk-1-tap-43"}
    made = post(client, world, "kiosk", "/tickets", {"field": "HT", "priority_category": "elderly"},
                **key2)
    same = post(client, world, "kiosk", "/tickets",
                {"field": "HT", "priority": True, "priority_category": "elderly"}, **key2)
    assert same.status_code == 200 and same.get_json()["id"] == made.get_json()["id"]


@pytest.mark.parametrize("name", ["   ", "\u200b", "Hộ\u200btịch", "\u202eHộ tịch",
                                  "Hộ\u2028tịch", "\ufeffHộ tịch", "Hộ tịch\u00ad"])
def test_names_that_hide_characters_are_refused(app: Flask, client: FlaskClient, world: World,
                                                name: str) -> None:
    check_error(post(client, world, "admin", "/fields", {"code": "X1", "name": name}), 400)
    check_error(post(client, world, "admin", "/devices", {"kind": "display", "name": name}), 400)
    with session_scope(app) as session:
        assert session.scalar(select(Field.id).where(Field.code == "X1")) is None


def test_the_command_line_refuses_them_too(app: Flask, tmp_path: Path) -> None:
    url = app.config["DATABASE_URL"]
    done = hall("user", "add", "cb-moi", "--role", "officer", "--password-stdin",
                "--full-name", "\u202eNguyễn Văn A", database_url=url, stdin="mat-khau-dai\n",
                instance=tmp_path)
    assert done.returncode != 0 and "vô hình" in done.stderr
    with session_scope(app) as session:
        assert session.scalar(select(User.id).where(User.username == "cb-moi")) is None


def test_names_are_stored_nfc_and_trimmed(app: Flask, client: FlaskClient, world: World) -> None:
    decomposed = "  Ho\u0323 ti\u0323ch  "  # "Họ tịch" typed with combining marks
    created = post(client, world, "admin", "/fields", {"code": "X3", "name": decomposed})
    assert created.status_code == 201 and created.get_json()["name"] == "Họ tịch"
    with session_scope(app) as session:
        assert session.scalar(select(Field.name).where(Field.code == "X3")) == "Họ tịch"


@pytest.mark.parametrize(("address", "allowed"), [
    ("file:///etc/passwd", False), ("file:///tmp/ticket.bin", False),
    ("file:///dev/usb/lp0", True), ("file:///dev/lp1", True),
    ("serial:///dev/ttyUSB0", True), ("serial:///etc/shadow", False),
    ("network://8.8.8.8:9100", False), ("network://printer.example.com:9100", False),
    ("network://192.168.1.50:9100", True), ("network://10.0.0.7", True),
    ("network://127.0.0.1:9100?confirm=no", True), ("usb://04b8:0202", True),
    ("network://127.0.0.1:6379", False), ("network://192.168.1.50:5432", False),
    ("agent", True), ("none", True),
])
def test_printer_addresses_are_allowed_or_refused(sqlite_url: str, address: str,
                                                  allowed: bool) -> None:
    from tests.conftest import Clock
    from tests.conftest import make_app
    from tests.factories import build_world

    app = make_app(sqlite_url, PRINTERS="")  # the defaults, without the tests' own printers
    world = build_world(app, Clock().now)
    client = app.test_client()
    answer = post(client, world, "admin", "/devices",
                  {"kind": "kiosk", "name": "Ki-ốt thử", "printer": address})
    try:
        if allowed:
            assert answer.status_code == 201, answer.get_json()
        else:
            check_error(answer, 400, "printer_not_allowed")
    finally:
        app.extensions["hall.engine"].dispose()


def test_the_operator_may_list_more_printers(sqlite_url: str) -> None:
    from tests.conftest import Clock
    from tests.conftest import make_app
    from tests.factories import build_world

    app = make_app(sqlite_url, PRINTERS="network://printer.example.com:9100 file:///srv/t.bin "
                                        "network://192.168.5.5")
    try:
        world = build_world(app, Clock().now)
        client = app.test_client()
        for address, status in (("network://printer.example.com:9100", 201),
                                ("network://printer.example.com:9100?confirm=no", 201),
                                ("file:///srv/t.bin", 201), ("file:///srv/other.bin", 400),
                                ("network://192.168.5.5:8000", 201),  # a host: every port
                                ("network://192.168.5.6:8000", 400)):
            answer = post(client, world, "admin", "/devices",
                          {"kind": "kiosk", "name": "Ki-ốt", "printer": address})
            assert answer.status_code == status, (address, answer.get_json())
    finally:
        app.extensions["hall.engine"].dispose()
