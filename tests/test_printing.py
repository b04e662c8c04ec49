"""A kiosk's ticket goes to its network printer after the commit; faults lose nothing."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import ImageChops
from sqlalchemy import select

from hall.engine import print_jobs
from hall.models import PrintJob
from hall.store.db import session_scope
from hall.web.sockets import socketio
from printer.ticket import render
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import World
from tests.factories import build_world
from tests.factories import post
from tests.fake_printer import FakePrinter
from tests.fake_printer import raster_images
from tests.test_api import check_error


@pytest.fixture
def hall(sqlite_url: str, clock: Clock) -> Any:
    app = make_app(sqlite_url, clock, PRINT_RETRY_S=0.2, PRINT_TIMEOUT_S=1,
                   PUBLIC_URL="http://hall.local:5000")
    world = build_world(app, clock.now)
    yield app, world
    app.extensions["hall.engine"].dispose()


def kiosk_with(app: Flask, client: FlaskClient, world: World, address: str) -> dict[str, str]:
    device = post(client, world, "admin", "/devices",
                  {"kind": "kiosk", "name": "Ki-ốt có máy in", "printer": address}).get_json()
    return {"Authorization": f"Bearer {device['token']}"}


def wait_until(condition: Callable[[], bool], timeout: float = 8) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def job_status(app: Flask, job_id: int) -> str:
    with session_scope(app) as session:
        return session.get_one(PrintJob, job_id).status


def test_issued_ticket_prints_exactly_what_was_rendered(hall: Any) -> None:
    app, world = hall
    client = app.test_client()
    with FakePrinter() as printer:
        headers = kiosk_with(app, client, world, printer.address)
        ticket = client.post("/api/v1/tickets", json={"field": "HT", "priority_category": "elderly"},
                             headers=headers).get_json()
        assert ticket["print"]["status"] == "pending"
        [job] = printer.wait_for_jobs(1)
        wait_until(lambda: job_status(app, ticket["print"]["job"]) == "printed")
    with app.app_context(), session_scope(app) as session:
        description = print_jobs.describe(session, session.get_one(PrintJob, ticket["print"]["job"]),
                                        576, Clock().now)
    assert description.number == ticket["number"] == "A001"
    assert description.priority_label == "Người cao tuổi"
    assert description.track_url == "http://hall.local:5000" + ticket["track_url"]
    [printed] = raster_images(job)
    assert ImageChops.difference(printed.convert("L"), render(description).convert("L")).getbbox() is None
    devices = client.get("/api/v1/devices", headers=world.headers("manager")).get_json()
    mine = [d for d in devices if d["printer"] == printer.address][0]
    assert mine["printer_state"] == "online" and mine["print_jobs_waiting"] == 0


def test_printer_down_keeps_the_ticket_and_a_retry_prints_once(hall: Any) -> None:
    app, world = hall
    client = app.test_client()
    with FakePrinter() as gone:
        address, port = gone.address, gone.port
    headers = kiosk_with(app, client, world, address)
    response = client.post("/api/v1/tickets", json={"field": "CT"}, headers=headers)
    assert response.status_code == 201
    ticket = response.get_json()
    wait_until(lambda: job_status(app, ticket["print"]["job"]) == "failed")
    devices = client.get("/api/v1/devices", headers=world.headers("admin")).get_json()
    assert [d["printer_state"] for d in devices if d["printer"] == address] == ["offline"]
    assert client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers).status_code == 200
    with FakePrinter.on_port(port) as back:
        wait_until(lambda: job_status(app, ticket["print"]["job"]) == "printed")
        time.sleep(0.6)  # three more retry rounds: nothing may print again
        assert len(back.jobs) == 1


@pytest.mark.parametrize("mode", ["hang", "drop"])
def test_printer_failing_mid_job_tells_the_kiosk_and_a_retry_prints_once(hall: Any, mode: str) -> None:
    app, world = hall
    client = app.test_client()
    with FakePrinter(mode=mode) as printer:
        device = post(client, world, "admin", "/devices",
                      {"kind": "kiosk", "name": "Ki-ốt", "printer": printer.address}).get_json()
        kiosk = socketio.test_client(app, auth={"token": device["token"]})
        headers = {"Authorization": f"Bearer {device['token']}"}
        try:
            ticket = client.post("/api/v1/tickets", json={"field": "HT"}, headers=headers).get_json()
            wait_until(lambda: job_status(app, ticket["print"]["job"]) == "failed")
            told = [event["args"][0] for event in kiosk.get_received() if event["name"] == "print.updated"]
            assert told and told[0]["ticket"] == ticket["id"] and told[0]["status"] == "failed"
        finally:
            kiosk.disconnect()
        assert printer.aborted and printer.jobs == []
        stored = client.get(f"/api/v1/tickets/{ticket['id']}", headers=headers).get_json()
        assert stored["status"] == "waiting"
        printer.mode = "ok"  # the printer is back: the retry prints the ticket, once
        wait_until(lambda: job_status(app, ticket["print"]["job"]) == "printed")
        time.sleep(0.6)
        [job] = printer.jobs
    [printed] = raster_images(job)
    with app.app_context(), session_scope(app) as session:
        description = print_jobs.describe(session, session.get_one(PrintJob, ticket["print"]["job"]),
                                        576, Clock().now)
    assert ImageChops.difference(printed.convert("L"), render(description).convert("L")).getbbox() is None


def test_out_of_paper_is_shown_to_managers(hall: Any) -> None:
    app, world = hall
    client = app.test_client()
    with FakePrinter(paper_byte=114) as printer:
        headers = kiosk_with(app, client, world, printer.address)
        ticket = client.post("/api/v1/tickets", json={"field": "CT"}, headers=headers).get_json()
        wait_until(lambda: job_status(app, ticket["print"]["job"]) == "failed")
    devices = client.get("/api/v1/devices", headers=world.headers("manager")).get_json()
    [mine] = [d for d in devices if d["printer"] == printer.address]
    assert mine["printer_state"] == "out_of_paper" and mine["print_jobs_waiting"] == 1


def test_reprint_on_the_issuing_kiosk(hall: Any) -> None:
    app, world = hall
    client = app.test_client()
    with FakePrinter() as printer:
        headers = kiosk_with(app, client, world, printer.address)
        ticket = client.post("/api/v1/tickets", json={"field": "DD"}, headers=headers).get_json()
        printer.wait_for_jobs(1)
        again = post(client, world, "officer1", f"/tickets/{ticket['id']}/reprint")
        assert again.status_code == 202
        assert len(printer.wait_for_jobs(2)) == 2
    plain = client.post("/api/v1/tickets", json={"field": "DD"}, headers=world.headers("kiosk"))
    refused = post(client, world, "officer1", f"/tickets/{plain.get_json()['id']}/reprint")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "no_printer"
    assert post(client, world, "kiosk", f"/tickets/{ticket['id']}/reprint").status_code == 403


def test_jobs_for_tickets_already_called_are_not_retried(hall: Any) -> None:
    app, world = hall
    client = app.test_client()
    with FakePrinter() as gone:
        address = gone.address
    headers = kiosk_with(app, client, world, address)
    ticket = client.post("/api/v1/tickets", json={"field": "HT"}, headers=headers).get_json()
    wait_until(lambda: job_status(app, ticket["print"]["job"]) == "failed")
    post(client, world, "officer1", "/counters/1/open")
    post(client, world, "officer1", "/counters/1/call-next")
    with app.app_context(), session_scope(app) as session:
        assert print_jobs.due_jobs(session) == []
        assert session.scalars(select(PrintJob.attempts)).one() >= 1


def test_the_qr_code_never_follows_the_host_header(sqlite_url: str, clock: Clock) -> None:
    """The printed QR code's address is HALL_PUBLIC_URL (or where `hall run` serves); a
    request's Host header is the client's to choose and never decides it. Without either,
    the ticket prints without a QR code."""
    for public, expected in (("https://hcc.example.gov.vn", "https://hcc.example.gov.vn"),
                             ("", "")):
        app = make_app(sqlite_url.replace(".sqlite", f"-{bool(public)}.sqlite"), clock,
                       TESTING=False, PUBLIC_URL=public)
        try:
            world = build_world(app, clock.now)
            client = app.test_client()
            headers = {**kiosk_with(app, client, world, "agent"), "Host": "evil.example"}
            ticket = client.post("/api/v1/tickets", json={"field": "HT"}, headers=headers)
            assert ticket.status_code == 201
            job_id = ticket.get_json()["print"]["job"]
            with app.app_context(), session_scope(app) as session:
                description = print_jobs.describe(session, session.get_one(PrintJob, job_id),
                                                  576, clock.now)
            assert "evil" not in description.track_url
            assert description.track_url == (expected + ticket.get_json()["track_url"]
                                              if expected else "")
            render(description)  # prints, with or without its QR code
        finally:
            app.extensions["hall.engine"].dispose()


def test_served_url() -> None:
    from hall.server import served_url

    assert served_url("127.0.0.1", 5000) == "http://127.0.0.1:5000"
    assert served_url("192.168.1.10", 8000) == "http://192.168.1.10:8000"
    lan = served_url("0.0.0.0", 5000)
    assert lan.startswith("http://") and lan.endswith(":5000") and "0.0.0.0" not in lan


def test_a_test_print_from_the_administration(hall: Any) -> None:
    """The test button prints a sample ticket on the kiosk's real printer address, records
    the printer's state, and explains the kiosks it cannot print on."""
    app, world = hall
    client = app.test_client()
    admin = world.headers("admin")

    def made(printer: str) -> int:
        answer = post(client, world, "admin", "/devices",
                      {"kind": "kiosk", "name": "Ki-ốt in thử", "printer": printer})
        device_id: int = answer.get_json()["id"]
        return device_id

    with FakePrinter() as printer:
        device = made(printer.address)
        answer = client.post(f"/api/v1/devices/{device}/test-print", headers=admin)
        assert answer.status_code == 200, answer.get_json()
        assert answer.get_json() == {"printed": True, "printer_state": "online", "error": None}
        [job] = printer.wait_for_jobs(1)
        assert raster_images(job)  # a whole ticket image reached the printer
    down = client.post(f"/api/v1/devices/{device}/test-print", headers=admin).get_json()
    assert down["printed"] is False and down["error"] and down["printer_state"] == "offline"
    listed = client.get("/api/v1/devices", headers=world.headers("manager")).get_json()
    assert next(d for d in listed if d["id"] == device)["printer_state"] == "offline"
    check_error(client.post(f"/api/v1/devices/{made('agent')}/test-print", headers=admin), 409,
                "printer_is_agent")
    check_error(client.post(f"/api/v1/devices/{made('none')}/test-print", headers=admin), 409,
                "no_printer")
    for missing in (99999, 2**31, 2**63):  # beyond PostgreSQL's integer too: 404, never 500
        check_error(client.post(f"/api/v1/devices/{missing}/test-print", headers=admin), 404)
    check_error(client.post(f"/api/v1/devices/{device}/test-print",
                            headers=world.headers("manager")), 403)
    log = client.get("/api/v1/audit", query_string={"from": "2026-03-02", "to": "2026-03-02",
                                                    "action": "test_print"}, headers=admin).get_json()
    assert len(log) == 2  # the two made; the refused ones left no entry
