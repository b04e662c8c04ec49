"""Procedures as the staff use them: the officer sees and changes the procedure of the ticket
at the counter from the keyboard, the admin imports the province's list with a preview and
hides a procedure, and a centre that wants it prints the procedure and its papers on tickets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from PIL import ImageChops
from playwright.sync_api import expect
from sqlalchemy import select

from hall.engine import print_jobs
from hall.models import Device
from hall.models import PrintJob
from hall.store.db import session_scope
from hall.web import print_worker
from printer import agent
from printer.ticket import ProcedureTicket
from printer.ticket import TicketDescription
from printer.ticket import render
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import World
from tests.factories import build_world
from tests.factories import post
from tests.fake_printer import FakePrinter
from tests.fake_printer import raster_images
from tests.servers import Server
from tests.servers import serving_worlds
from tests.test_api import check_error
from tests.test_pages_admin import log_in_as_admin
from tests.test_pages_hall import console
from tests.test_pages_hall import issue

BIRTH = {"field": "HT", "name": "Đăng ký khai sinh", "level": "commune", "fees": 0,
         "papers": [{"name": "Tờ khai đăng ký khai sinh", "original": True},
                    {"name": "Giấy chứng sinh", "original": True},
                    {"name": "Giấy tờ tùy thân của người đi đăng ký", "original": True}],
         "online": "full"}
MARRIAGE = {"field": "HT", "name": "Đăng ký kết hôn", "level": "commune", "fees": 0,
            "papers": [{"name": "Tờ khai đăng ký kết hôn", "original": True}]}
COPY = {"field": "CT", "name": "Chứng thực bản sao từ bản chính", "fees": 2000,
        "papers": [{"name": "Bản chính giấy tờ cần chứng thực", "original": True}]}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, World]]:
    with serving_worlds(tmp_path) as (server, worlds, _):
        yield server, worlds[0]


def added(server: Server, world: World, body: dict[str, Any]) -> dict[str, Any]:
    answer = server.api("POST", "/procedures", world.tokens["admin"], json=body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


# --- the officer's console ------------------------------------------------------------------

def test_the_console_shows_and_changes_the_procedure(served: tuple[Server, World],
                                                     chromium: Any) -> None:
    server, world = served
    birth, marriage = added(server, world, BIRTH), added(server, world, MARRIAGE)
    added(server, world, COPY)  # Chứng thực's: never offered for a Hộ tịch ticket
    ticket = issue(server, world, "HT")
    officer = console(chromium, server, "officer1")
    officer.locator('.counter-choice[data-counter="1"]').click()
    expect(officer.locator("#counter-title")).to_have_text("Quầy 1")
    expect(officer.locator('[data-action="procedure"]')).to_be_disabled()  # nothing called
    officer.keyboard.press("n")
    expect(officer.locator("#card-number")).to_have_text(ticket["number"])
    expect(officer.locator("#card-procedure")).to_have_text("Chưa chọn thủ tục")

    officer.keyboard.press("d")  # the list of the ticket's field, the search box focused
    options = officer.locator("#procedure-list [role=option]")
    expect(options).to_have_count(2)
    expect(options.first).to_have_text("Đăng ký khai sinh")
    expect(officer.locator("#procedure-search")).to_be_focused()
    officer.keyboard.type("ket hon")  # without diacritics
    expect(options).to_have_count(1)
    officer.keyboard.press("Enter")
    expect(officer.locator("#procedure-dialog")).not_to_have_attribute("open", "")
    expect(officer.locator("#card-procedure")).to_have_text("Thủ tục: Đăng ký kết hôn")
    stored = server.api("GET", f"/tickets/{ticket['id']}", world.tokens["officer1"]).json()
    assert stored["procedure"]["id"] == marriage["id"]

    officer.keyboard.press("d")  # Escape leaves it as it is
    expect(officer.locator("#procedure-list .current")).to_contain_text("Đăng ký kết hôn")
    officer.keyboard.type("khai")
    expect(options).to_have_count(1)
    officer.keyboard.press("Escape")
    expect(officer.locator("#procedure-dialog")).not_to_have_attribute("open", "")
    expect(officer.locator("#card-procedure")).to_have_text("Thủ tục: Đăng ký kết hôn")
    officer.keyboard.press("d")  # ↑ ↓ choose among all of them
    expect(options).to_have_count(2)
    officer.keyboard.press("ArrowUp")
    expect(officer.locator("#procedure-list .active")).to_have_text("Đăng ký khai sinh")
    officer.keyboard.press("Enter")
    expect(officer.locator("#card-procedure")).to_have_text("Thủ tục: Đăng ký khai sinh")
    assert server.api("GET", f"/tickets/{ticket['id']}",
                      world.tokens["officer1"]).json()["procedure"]["id"] == birth["id"]

    # changed elsewhere (the same officer's other PC): the card follows at once
    answer = server.api("PATCH", f"/tickets/{ticket['id']}", world.tokens["officer1"],
                        json={"procedure": None})
    assert answer.status_code == 200, answer.text
    expect(officer.locator("#card-procedure")).to_have_text("Chưa chọn thủ tục")
    officer.keyboard.press("k")  # finished: nothing left to name
    expect(officer.locator("#card-procedure-row")).to_be_hidden()


# --- the administration page ----------------------------------------------------------------

def test_the_admin_imports_procedures_with_a_preview(served: tuple[Server, World], page: Any,
                                                     tmp_path: Path) -> None:
    server, world = served
    log_in_as_admin(page, server)
    page.click("#tabs button[data-tab=procedures]")
    listed = page.locator("#procedure-table tbody")
    expect(page.locator("#procedure-count")).to_have_text("0 thủ tục")
    bad = tmp_path / "thu-tuc-loi.csv"
    bad.write_text("Lĩnh vực,Tên thủ tục,Lệ phí\nHT,Đăng ký khai tử,Miễn phí\n"
                   "XX,Thủ tục lạ,tùy\n", encoding="utf-8")
    page.set_input_files("#procedure-import-form input[name=file]", str(bad))
    page.click("#procedure-import-form button[type=submit]")
    bad_row = page.locator("#procedure-import-preview tr.bad")
    expect(bad_row).to_contain_text("lĩnh vực XX không có ở trung tâm")
    expect(bad_row).to_contain_text("lệ phí phải là số tiền")
    expect(page.locator("#procedure-import-preview tbody tr").first).to_contain_text("Thêm mới")
    expect(page.locator("#procedure-import-save")).to_be_disabled()
    expect(listed).not_to_contain_text("Đăng ký khai tử")  # nothing saved

    # the example file the page offers is a good file: it is imported as it is
    link = page.locator("#procedure-example")
    example = requests.get(server.url + link.get_attribute("href"), timeout=10)
    assert example.status_code == 200
    good = tmp_path / "thu-tuc-mau.csv"
    good.write_bytes(example.content)
    page.set_input_files("#procedure-import-form input[name=file]", str(good))
    page.click("#procedure-import-form button[type=submit]")
    expect(page.locator("#procedure-import-preview tbody tr")).to_have_count(3)
    expect(page.locator("#procedure-import-preview tr.bad")).to_have_count(0)
    expect(page.locator("#procedure-import-save")).to_be_enabled()
    assert server.api("GET", "/procedures", world.tokens["kiosk"]).json() == []  # a preview
    page.click("#procedure-import-save")
    expect(page.locator("#message")).to_contain_text("3 thủ tục thêm mới")
    expect(listed.locator("tr")).to_have_count(3)
    birth = listed.locator("tr", has_text="Đăng ký khai sinh")
    expect(birth).to_contain_text("Miễn phí")
    expect(birth).to_contain_text("Toàn trình")
    expect(listed.locator("tr", has_text="Chứng thực bản sao")).to_contain_text("2.000 đ")

    # hidden from kiosks, still listed for the admin, and shown again
    birth.locator("button[data-action=visibility]").click()
    expect(birth).to_have_class("off")
    shown = [p["name"] for p in server.api("GET", "/procedures", world.tokens["kiosk"]).json()]
    assert "Đăng ký khai sinh" not in shown and len(shown) == 2
    hidden = server.api("GET", "/procedures?hidden=1", world.tokens["admin"]).json()
    kept = next(p for p in hidden if p["name"] == "Đăng ký khai sinh")
    assert len(kept["papers"]) == 3 and kept["online"] == "full"  # only `visible` changed
    birth.locator("button[data-action=visibility]").click()
    expect(birth).not_to_have_class("off")

    # the centre's setting, from its form
    page.click("#tabs button[data-tab=centre]")
    box = page.locator("#centre-form input[name=print_procedure]")
    expect(box).not_to_be_checked()
    box.check()
    page.locator("#centre-form button[type=submit]").click()
    expect(page.locator("#message")).to_contain_text("Đã lưu")
    assert server.api("GET", "/centre", world.tokens["admin"]).json()["print_procedure"] is True


# --- the centre's setting -------------------------------------------------------------------

def test_print_procedure_setting(client: FlaskClient, world: World) -> None:
    admin = world.headers("admin")
    assert client.get("/api/v1/centre", headers=admin).get_json()["print_procedure"] is False
    answer = client.patch("/api/v1/centre", json={"print_procedure": True}, headers=admin)
    assert answer.status_code == 200 and answer.get_json()["print_procedure"] is True
    for bad in ("yes", 1, "true", [True]):
        check_error(client.patch("/api/v1/centre", json={"print_procedure": bad}, headers=admin),
                    400, "invalid_body")
    check_error(client.patch("/api/v1/centre", json={"print_procedure": False},
                             headers=world.headers("manager")), 403)
    assert client.get("/api/v1/centre",
                      headers=world.headers("manager")).get_json()["print_procedure"] is True
    answer = client.patch("/api/v1/centre", json={"print_procedure": False}, headers=admin)
    assert answer.get_json()["print_procedure"] is False


# --- printed tickets ------------------------------------------------------------------------

@pytest.fixture
def hall(sqlite_url: str, clock: Clock) -> Any:
    app = make_app(sqlite_url, clock, PRINT_RETRY_S=0.2, PRINT_TIMEOUT_S=1,
                   PUBLIC_URL="http://hall.local:5000")
    world = build_world(app, clock.now)
    yield app, world
    app.extensions["hall.engine"].dispose()


def described(app: Flask, job_id: int) -> TicketDescription:
    with app.app_context(), session_scope(app) as session:
        return print_jobs.describe(session, session.get_one(PrintJob, job_id), 576, Clock().now)


def test_a_ticket_prints_its_procedure_only_when_the_centre_wants_it(hall: Any) -> None:
    app, world = hall
    client = app.test_client()
    many = [{"name": f"Giấy tờ số {n}", "original": n == 1, "copies": 2 if n == 2 else 1}
            for n in range(1, 9)]
    procedure = post(client, world, "admin", "/procedures",
                     {**BIRTH, "papers": many}).get_json()
    with FakePrinter() as printer:
        device = post(client, world, "admin", "/devices",
                      {"kind": "kiosk", "name": "Ki-ốt có máy in", "printer": printer.address})
        headers = {"Authorization": f"Bearer {device.get_json()['token']}"}

        def printed(body: dict[str, Any], count: int) -> tuple[TicketDescription, Any]:
            ticket = client.post("/api/v1/tickets", json=body, headers=headers)
            assert ticket.status_code == 201, ticket.get_json()
            jobs = printer.wait_for_jobs(count)
            [image] = raster_images(jobs[-1])
            description = described(app, ticket.get_json()["print"]["job"])
            # the printer got exactly what the renderer was given
            assert ImageChops.difference(image.convert("L"),
                                         render(description).convert("L")).getbbox() is None
            return description, image

        plain, plain_image = printed({"field": "HT", "procedure": procedure["id"]}, 1)
        assert type(plain) is TicketDescription  # off by default: printed as always
        assert "procedure" not in vars(plain)

        assert client.patch("/api/v1/centre", json={"print_procedure": True},
                            headers=world.headers("admin")).status_code == 200
        named, named_image = printed({"field": "HT", "procedure": procedure["id"]}, 2)
        assert isinstance(named, ProcedureTicket) and named.procedure == "Đăng ký khai sinh"
        assert named.papers == ("☐ Giấy tờ số 1 (bản chính)", "☐ Giấy tờ số 2 (2 bản sao)",
                                "☐ Giấy tờ số 3 (bản sao)", "☐ Giấy tờ số 4 (bản sao)",
                                "… và 4 giấy tờ khác")
        assert named_image.height > plain_image.height  # the name and the checklist
        none, none_image = printed({"field": "HT"}, 3)  # a ticket without one: as always
        assert type(none) is TicketDescription and none_image.height == plain_image.height

    # a print agent is sent the same: the procedure only on the ticket that prints it
    kiosk = post(client, world, "admin", "/devices",
                 {"kind": "kiosk", "name": "Ki-ốt có agent", "printer": "agent"}).get_json()
    agent_headers = {"Authorization": f"Bearer {kiosk['token']}"}
    for body in ({"field": "HT", "procedure": procedure["id"]}, {"field": "HT"}):
        assert client.post("/api/v1/tickets", json=body, headers=agent_headers).status_code == 201
    with app.app_context(), session_scope(app) as session:
        device = session.scalars(select(Device).where(Device.id == kiosk["id"])).one()
        payloads = print_worker.agent_jobs(session, device, Clock().now)
    # beside the ticket, which keeps exactly the keys agents older than procedures know
    assert [(p.get("procedure") or {}).get("name") for p in payloads] == ["Đăng ký khai sinh", None]
    assert all("procedure" not in p["ticket"] and "papers" not in p["ticket"] for p in payloads)
    TicketDescription(**{**payloads[0]["ticket"], "logo_png": None})  # an old agent's reading
    sent = json.loads(json.dumps(payloads[0]))
    again = agent.describe(sent["ticket"], 576, None, sent["procedure"])
    assert isinstance(again, ProcedureTicket) and again.papers == named.papers
    assert render(again).height == named_image.height
