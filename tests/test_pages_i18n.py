"""The pages in two languages, in Chromium against a real server: the kiosk switches on the
spot and returns to Vietnamese for the next citizen; the console and the tracking page switch
with ?lang= and remember it; API errors reach the page in its language; and every screen
shows the centre's date by the server's clock even when its own PC clock is years wrong."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.factories import World
from tests.servers import Server
from tests.servers import serving_worlds

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
# This PC's clock is three years and a half behind: Date.now() lies; the server does not.
WRONG_CLOCK = """(() => { const real = Date.now.bind(Date);
  Date.now = () => real() - 1100 * 86400000; })();"""


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[tuple[Server, World]]:
    with serving_worlds(tmp_path) as (server, worlds, _url):
        yield server, worlds[0]


def _today_vi() -> str:
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    return f"{WEEKDAYS_VI[today.weekday()]}, {today:%d/%m/%Y}"


def _context(chromium: Any, **options: Any) -> Any:
    context = chromium.new_context(locale="en-US", **options)  # an English-Windows PC
    context.add_init_script(WRONG_CLOCK)
    return context


def test_kiosk_switches_language_and_keeps_the_server_date(hall: tuple[Server, World],
                                                          chromium: Any) -> None:
    server, world = hall
    page = _context(chromium, viewport={"width": 1080, "height": 1920}).new_page()
    page.goto(f"{server.url}/kiosk?token={world.tokens['kiosk']}")
    expect(page.locator("#prompt")).to_have_text("Chạm vào lĩnh vực để lấy số thứ tự")  # not English
    expect(page.locator("#clock")).to_contain_text(_today_vi())
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    page.locator("#lang").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#prompt")).to_have_text("Tap a field to take a number")
    expect(page.locator('.tile[data-code="HT"] .meta')).to_contain_text("0 waiting")
    expect(page.locator("#search")).to_have_attribute("placeholder", "Find a field…")
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    expect(page.locator("#clock")).to_contain_text(f"{today:%A}, {today:%d/%m/%Y}")

    page.locator('.tile[data-code="HT"]').click()
    expect(page.locator("#confirm .label")).to_have_text("Your number")
    expect(page.locator("#c-ahead")).to_have_text("People ahead of you: 0")
    page.locator("#done").click()  # the next citizen starts in Vietnamese
    expect(page.locator("#prompt")).to_have_text("Chạm vào lĩnh vực để lấy số thứ tự")
    expect(page.locator('.tile[data-code="HT"] .meta')).to_contain_text("1 người đang chờ")


def test_console_in_english_with_api_errors_in_english(hall: tuple[Server, World],
                                                       chromium: Any) -> None:
    server, world = hall
    page = _context(chromium, viewport={"width": 1366, "height": 768}).new_page()
    page.goto(f"{server.url}/counter/login")
    expect(page.locator("h1")).to_have_text("Bàn làm việc của quầy")  # the browser's English is not followed
    page.locator("a[hreflang=en]").click()
    expect(page.locator("h1")).to_have_text("Counter console")
    page.fill("input[name=username]", "officer1")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    expect(page.locator(".error")).to_have_text("Wrong username or password")
    expect(page.locator("input[name=username]")).to_have_value("officer1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{server.url}/counter")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the choice is remembered
    page.locator("#counter-list button").first.click()
    expect(page.locator("#work")).to_be_visible()
    expect(page.locator("#counter-title")).to_contain_text("Counter 1")
    expect(page.locator("[data-action=call-next]")).to_contain_text("Call next")
    page.keyboard.press("k")  # finish with nothing called: the API's refusal, in English
    expect(page.locator("#message")).to_have_text("The counter has no ticket called or being served")
    issued = server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "HT"}).json()
    page.keyboard.press("n")
    expect(page.locator("#message")).to_have_text(f"Called {issued['number']}")

    page.locator("a[hreflang=vi]").click()
    expect(page.locator("[data-action=call-next]")).to_contain_text("Gọi số tiếp theo")


def test_tracking_page_and_display_in_both_languages(hall: tuple[Server, World],
                                                     chromium: Any) -> None:
    server, world = hall
    ticket = server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "HT"}).json()
    phone = _context(chromium, viewport={"width": 390, "height": 844}).new_page()
    phone.goto(server.url + ticket["track_url"])
    expect(phone.locator(".label")).to_have_text("Số thứ tự của bạn")
    expect(phone.locator("#status")).to_have_text("Đang chờ")
    phone.locator("a[hreflang=en]").click()
    expect(phone.locator(".label")).to_have_text("Your number")
    expect(phone.locator("#status")).to_have_text("Waiting")
    expect(phone.locator("#wait")).to_have_text("about 1 min")  # never less than a minute

    screen = _context(chromium, viewport={"width": 1920, "height": 1080}).new_page()
    screen.goto(f"{server.url}/display?token={world.tokens['display']}")
    expect(screen.locator("#date")).to_have_text(_today_vi())
    expect(screen.locator("#now .label").first).to_have_text("Mời số Now serving")
