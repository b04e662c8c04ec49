"""The kiosk page in Chromium against a real server: pair, tap, one ticket, recovery."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from hall.models import Field
from hall.store.db import session_scope
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import World
from tests.factories import build_world
from tests.fake_printer import FakePrinter
from tests.servers import Server

DOCS = Path(__file__).resolve().parent.parent / "docs"


def screenshot(page: Any, name: str) -> None:
    """HALL_SCREENSHOTS=1 refreshes the README's pictures."""
    if os.environ.get("HALL_SCREENSHOTS"):
        page.screenshot(path=str(DOCS / name))


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[tuple[Server, World, Any]]:
    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    app = make_app(url)
    world = build_world(app, Clock().now)
    with session_scope(app) as session:  # a second page of fields, and one closed
        for number in range(12):
            session.add(Field(centre_id=1, code=f"F{number}", name=f"Lĩnh vực thử {number}",
                              prefix=None, block_start=5000 + 100 * number,
                              block_end=5099 + 100 * number, position=10 + number))
        session.query(Field).filter_by(code="DD").update({"is_open": False})
        session.commit()
    app.extensions["hall.engine"].dispose()
    with Server(url) as server:
        yield server, world, url


def paired(page: Any, server: Server, token: str) -> None:
    page.goto(f"{server.url}/kiosk?token={token}")
    expect(page).to_have_url(f"{server.url}/kiosk")  # the token left the address bar
    expect(page.locator(".tile").first).to_be_visible()


def test_tap_gives_the_ticket_the_api_knows(hall: tuple[Server, World, Any], page: Any) -> None:
    server, world, _ = hall
    paired(page, server, world.tokens["kiosk"])
    screenshot(page, "kiosk.png")
    page.reload()  # still paired after a reload: the cookie carries it
    page.locator('.tile[data-code="HT"]').click()
    expect(page.locator("#confirm")).to_be_visible()
    ticket = server.api("GET", "/tickets/1", world.tokens["officer1"]).json()
    expect(page.locator("#c-number")).to_have_text(ticket["number"])
    expect(page.locator("#c-field")).to_have_text("Hộ tịch")
    expect(page.locator("#c-print")).to_contain_text("ghi nhớ")  # this kiosk has no printer
    expect(page.locator("#c-priority")).to_be_hidden()
    expect(page.locator("#c-qr")).to_have_attribute("src", ticket["track_url"] + "/qr.svg")
    page.locator("#done").click()
    expect(page.locator('.tile[data-code="HT"] .meta')).to_contain_text("1 người đang chờ")


def test_impatient_taps_give_one_ticket(hall: tuple[Server, World, Any], page: Any) -> None:
    server, world, _ = hall
    paired(page, server, world.tokens["kiosk"])
    tile = page.locator('.tile[data-code="CT"]')
    tile.dblclick()
    page.evaluate("document.querySelector('.tile[data-code=\"CT\"]').click()")  # a third tap
    expect(page.locator("#c-number")).to_have_text("B001")
    queue = server.api("GET", "/queue", world.tokens["display"]).json()
    assert {f["code"]: f["waiting"] for f in queue["fields"]}["CT"] == 1


def test_closed_field_search_paging_language(hall: tuple[Server, World, Any], page: Any) -> None:
    server, world, _ = hall
    paired(page, server, world.tokens["kiosk"])
    closed = page.locator('.tile[data-code="DD"]')
    expect(closed).to_be_disabled()
    expect(closed).to_contain_text("Tạm ngừng nhận số")
    expect(page.locator(".tile")).to_have_count(15)  # one screen holds them (paging: test_kiosk_layout)
    expect(page.locator("#pager")).to_be_hidden()
    page.locator("#search").fill("ho tich")
    expect(page.locator(".tile")).to_have_count(1)
    expect(page.locator(".tile .name")).to_have_text("Hộ tịch")
    page.locator("#lang").click()
    expect(page.locator("#prompt")).to_have_text("Tap a field to take a number")


def test_priority_ticket_is_marked(hall: tuple[Server, World, Any], page: Any) -> None:
    server, world, _ = hall
    paired(page, server, world.tokens["kiosk"])
    expect(page.locator("#categories")).to_be_hidden()
    page.locator("#priority").click()
    page.locator('.category[data-key="elderly"]').click()
    page.locator('.tile[data-code="HT"]').click()
    expect(page.locator("#c-priority")).to_be_visible()
    ticket = server.api("GET", "/tickets/1", world.tokens["officer1"]).json()
    assert ticket["priority"] is True and ticket["priority_category"] == "elderly"


def test_printed_ticket_is_confirmed(hall: tuple[Server, World, Any], page: Any) -> None:
    server, world, _ = hall
    with FakePrinter() as printer:
        kiosk = server.api("POST", "/devices", world.tokens["admin"], json={
            "kind": "kiosk", "name": "Ki-ốt in", "printer": printer.address}).json()
        paired(page, server, kiosk["token"])
        page.locator('.tile[data-code="HT"]').click()
        expect(page.locator("#c-print")).to_have_text("Đã in vé. Mời bạn nhận vé bên dưới.",
                                                      timeout=8000)
        screenshot(page, "kiosk-confirmation.png")
        assert len(printer.wait_for_jobs(1)) == 1


def test_kiosk_recovers_after_a_server_restart(hall: tuple[Server, World, Any], page: Any) -> None:
    server, world, url = hall
    paired(page, server, world.tokens["kiosk"])
    server.stop()
    expect(page.locator("#offline")).to_be_visible(timeout=8000)
    with Server(url, port=server.port) as again:
        expect(page.locator("#offline")).to_be_hidden(timeout=15000)
        page.locator('.tile[data-code="HT"]').click()
        expect(page.locator("#c-number")).to_have_text("A001")
        assert again.api("GET", "/tickets/1", world.tokens["display"]).json()["number"] == "A001"


def test_tiles_follow_queue_changed_without_asking_for_fields(
        hall: tuple[Server, World, Any], page: Any) -> None:
    server, world, _ = hall
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url)
            if request.url.endswith("/api/v1/fields") else None)
    paired(page, server, world.tokens["kiosk"])
    expect(page.locator('.tile[data-code="CT"] .meta')).to_contain_text("0 người đang chờ")
    for _ in range(50):  # the page asks once as it loads and once when its socket connects
        if len(asked) >= 2:
            break
        page.wait_for_timeout(100)
    before = len(asked)
    for _ in range(3):  # another kiosk's citizens
        assert server.api("POST", "/tickets", world.tokens["officer1"], json={"field": "CT"}).ok
    expect(page.locator('.tile[data-code="CT"] .meta')).to_contain_text("3 người đang chờ")
    assert len(asked) == before, "the kiosk asked GET /fields instead of reading the event"
