"""The phone tracking page in Chromium, live over Socket.IO."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.factories import World
from tests.servers import Server
from tests.servers import serving_worlds


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[tuple[Server, World]]:
    with serving_worlds(tmp_path) as (server, worlds, _):
        yield server, worlds[0]


def test_tracking_page_follows_the_ticket(hall: tuple[Server, World], page: Any) -> None:
    server, world = hall
    first = server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "HT"}).json()
    mine = server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "HT"}).json()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.url + mine["track_url"])
    expect(page.locator("#number")).to_have_text("A002")
    expect(page.locator("#status")).to_contain_text("Đang chờ")
    expect(page.locator("#ahead")).to_have_text("1")
    officer = world.tokens["officer1"]
    server.api("POST", "/counters/1/open", officer)
    assert server.api("POST", "/counters/1/call-next", officer).json()["id"] == first["id"]
    server.api("POST", "/counters/1/finish", officer)
    server.api("POST", "/counters/1/call-next", officer)
    expect(page.locator("#called")).to_be_visible(timeout=3000)
    expect(page.locator("#counter")).to_have_text("1")
    expect(page.locator("#status")).to_contain_text("Đến lượt bạn")
    if os.environ.get("HALL_SCREENSHOTS"):
        page.screenshot(path=str(Path(__file__).resolve().parent.parent / "docs" / "track.png"))
    server.api("POST", "/counters/1/finish", officer)
    expect(page.locator("#status")).to_contain_text("Đã phục vụ xong", timeout=3000)


def test_unknown_tracking_token_is_not_found(hall: tuple[Server, World], page: Any) -> None:
    server, _ = hall
    response = page.goto(server.url + "/t/no-such-ticket")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Không tìm thấy trang này")  # a page, not JSON
    expect(page.locator("a[href='/']")).to_be_visible()
    page.goto(server.url + "/")
    expect(page.locator("a[href='/counter']")).to_be_visible()
