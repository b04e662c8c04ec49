"""The manager's pages in Chromium against a real server: the live dashboard changes when a
ticket is issued, a counter pauses and a field's oldest ticket passes its target, without a
reload; the reports page draws its table, charts and heat map and downloads a real .xlsx."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.factories import World
from tests.servers import Server
from tests.servers import serving_worlds
from tests.test_pages_kiosk import screenshot


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[tuple[Server, World]]:
    with serving_worlds(tmp_path) as (server, worlds, _):
        yield server, worlds[0]


def manager_page(chromium: Any, server: Server, path: str) -> Any:
    page = chromium.new_context(locale="vi-VN", viewport={"width": 1440, "height": 1000},
                                accept_downloads=True).new_page()
    page.goto(server.url + path)
    expect(page).to_have_url(server.url + "/counter/login?next=" + path)
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(server.url + path)
    return page


def _serve_one(server: Server, world: World, field: str = "HT") -> dict[str, Any]:
    ticket = server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": field}).json()
    officer = world.tokens["officer1"]
    assert server.api("POST", "/counters/1/open", officer).status_code == 200
    assert server.api("POST", "/counters/1/call-next", officer).status_code == 200
    assert server.api("POST", "/counters/1/finish", officer).status_code == 200
    return dict(ticket)


def test_dashboard_follows_the_hall_without_a_reload(hall: tuple[Server, World], chromium: Any) -> None:
    server, world = hall
    page = manager_page(chromium, server, "/admin/dashboard")
    expect(page.locator("#t-issued")).to_have_text("0")
    loads = int(page.locator("body").get_attribute("data-loaded") or "0")

    server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "HT"})
    expect(page.locator("#t-issued")).to_have_text("1")
    expect(page.locator("#t-waiting")).to_have_text("1")
    expect(page.locator('#fields tr[data-code="HT"] td').nth(1)).to_have_text("1")
    assert int(page.locator("body").get_attribute("data-loaded") or "0") > loads  # redrawn, not reloaded

    officer = world.tokens["officer1"]
    server.api("POST", "/counters/1/open", officer)
    server.api("POST", "/counters/1/pause", officer, json={"reason": "Họp"})
    expect(page.locator('#counters tr[data-counter="1"]')).to_contain_text("Tạm dừng · Họp")
    expect(page.locator('#counters tr[data-counter="1"]')).to_have_class("state-paused")

    # a field whose target is 0 minutes: its waiting ticket is over target at the next redraw
    changed = server.api("PATCH", "/fields/HT", world.tokens["admin"], json={"target_wait_s": 0})
    assert changed.status_code == 200
    time.sleep(1.1)
    server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "CT"})
    expect(page.locator("#warnings")).to_be_visible()
    expect(page.locator("#warnings")).to_contain_text("Hộ tịch")
    expect(page.locator('#fields tr[data-code="HT"]')).to_have_class("over")
    expect(page.locator("#t-issued")).to_have_text("2")
    screenshot(page, "dashboard.png")


def test_reports_page_draws_and_downloads(hall: tuple[Server, World], chromium: Any,
                                          tmp_path: Path) -> None:
    server, world = hall
    _serve_one(server, world)
    server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "CT"})
    page = manager_page(chromium, server, "/admin/reports")
    expect(page.locator('#rows tr[data-key="HT"] td').first).to_contain_text("Hộ tịch")
    expect(page.locator('#rows tr[data-key="HT"] td').nth(1)).to_have_text("1")  # issued
    expect(page.locator('#rows tr[data-key="HT"] td').nth(2)).to_have_text("1")  # served
    expect(page.locator("#chart-hours")).to_have_attribute("data-points", "1")
    heat = page.locator("#heat tbody td").filter(has_text="2")
    expect(heat).to_have_count(1)  # both tickets in the same weekday and hour
    expect(page.locator("#quarter tbody tr")).to_have_count(1)  # officer1 served one

    page.select_option("#by", "weekday")
    expect(page.locator("#key-head")).to_have_text("Thứ")
    expect(page.locator("#rows tbody tr")).to_have_count(1)
    screenshot(page, "reports.png")

    with page.expect_download() as download:
        page.click("#xlsx")
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    values = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row]
    assert 2 in values  # the weekday's two tickets issued, as a number
