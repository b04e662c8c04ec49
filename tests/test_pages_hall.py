"""The hall display, the officer console and the door screen in Chromium, against a real server."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.factories import World
from tests.servers import Server
from tests.servers import serving_worlds
from tests.test_pages_kiosk import screenshot

FLASH = re.compile(r"\bflash\b")


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[tuple[Server, World, str]]:
    with serving_worlds(tmp_path) as (server, worlds, url):
        yield server, worlds[0], url


def tv(chromium: Any, portrait: bool = False) -> Any:
    size = {"width": 1080, "height": 1920} if portrait else {"width": 1920, "height": 1080}
    return chromium.new_context(locale="vi-VN", viewport=size).new_page()


def display(chromium: Any, server: Server, world: World, path: str = "/display",
            token: str = "display") -> Any:
    page = tv(chromium)
    page.goto(f"{server.url}{path}?token={world.tokens[token]}")
    expect(page).to_have_url(f"{server.url}{path}")  # paired: the token left the address bar
    return page


def console(chromium: Any, server: Server, username: str) -> Any:
    page = chromium.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768}).new_page()
    page.goto(f"{server.url}/counter")
    expect(page).to_have_url(f"{server.url}/counter/login?next=%2Fcounter")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{server.url}/counter")
    return page


def voice_log(page: Any) -> list[dict[str, Any]]:
    return list(page.evaluate("window.hallDisplay.log"))


def issue(server: Server, world: World, field: str = "HT") -> dict[str, Any]:
    answer = server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": field})
    assert answer.status_code == 201
    return dict(answer.json())


def test_officer_calls_and_the_hall_sees_and_hears_it(hall: tuple[Server, World, str], chromium: Any
                                                      ) -> None:
    server, world, _ = hall
    first = issue(server, world)
    issue(server, world, "CT")
    screen = display(chromium, server, world)
    expect(screen.locator('.tile[data-counter="1"] .tile-number')).to_have_text("—")
    expect(screen.locator('#waiting li[data-field="HT"] .w-count')).to_have_text("1")
    officer = console(chromium, server, "officer1")
    officer.locator('.counter-choice[data-counter="1"]').click()
    expect(officer.locator("#counter-title")).to_have_text("Quầy 1")
    expect(officer.locator("#waiting tbody tr")).to_have_count(2)
    officer.keyboard.press("n")  # call next, from the keyboard
    expect(officer.locator("#card-number")).to_have_text(first["number"])
    # The hall display shows it within a second, flashing, and queues the spoken call.
    expect(screen.locator("#now-number")).to_have_text(first["number"], timeout=1000)
    expect(screen.locator("#now-counter")).to_have_text("1")
    expect(screen.locator("#now")).to_have_class(FLASH)
    expect(screen.locator('.tile[data-counter="1"] .tile-number')).to_have_text(first["number"])
    # the board's waiting count comes inside the call (the page takes no queue.changed for it)
    expect(screen.locator('#waiting li[data-field="HT"] .w-count')).to_have_text("0")
    [spoken] = voice_log(screen)
    assert (spoken["number"], spoken["counter"], spoken["recall"]) == (first["number"], 1, False)
    # The audio is really fetched and played (chime, then the call): it ends, it does not fail.
    screen.wait_for_function("() => window.hallDisplay.log[0].state === 'done'", timeout=20000)
    screenshot(screen, "display.png")
    screen.wait_for_function("() => !document.getElementById('now').classList.contains('flash')",
                             timeout=15000)
    officer.keyboard.press("l")  # recall: flashes and speaks again
    expect(screen.locator("#now")).to_have_class(FLASH, timeout=1000)
    screen.wait_for_function("() => window.hallDisplay.log.length === 2")
    assert voice_log(screen)[1]["recall"] is True
    officer.keyboard.press("b")  # start
    expect(officer.locator("#card-status")).to_have_text("Đang phục vụ")
    officer.keyboard.press("m")  # record code
    officer.keyboard.type("000.00.12.H12-261121-0001")
    officer.keyboard.press("Enter")
    expect(officer.locator("#record-list li")).to_have_count(1)
    screenshot(officer, "console.png")
    officer.keyboard.press("k")  # finish
    expect(officer.locator("#card-number")).to_have_text("—")
    expect(officer.locator("#today")).to_contain_text("Đã phục vụ1")
    ticket = server.api("GET", f"/tickets/{first['id']}", world.tokens["manager"]).json()
    assert ticket["status"] == "done" and ticket["records"] == ["000.00.12.H12-261121-0001"]
    expect(screen.locator('.tile[data-counter="1"] .tile-number')).to_have_text("—")


def test_console_shortcuts_pause_call_number_transfer(hall: tuple[Server, World, str], chromium: Any
                                                      ) -> None:
    server, world, _ = hall
    issue(server, world)
    second = issue(server, world)
    officer = console(chromium, server, "officer1")
    officer.locator('.counter-choice[data-counter="1"]').click()
    expect(officer.locator("#waiting tbody tr")).to_have_count(2)
    issue(server, world, "CT")  # a kiosk elsewhere: the list follows live, nobody reloads
    expect(officer.locator("#waiting tbody tr")).to_have_count(3)
    officer.keyboard.press("t")  # pause, with a reason
    expect(officer.locator("#pause-dialog")).to_be_visible()
    officer.locator('#pause-reasons [data-reason="Họp"]').click()
    expect(officer.locator("#paused-banner")).to_contain_text("Họp")
    officer.keyboard.press("n")  # refused while paused, and told why
    expect(officer.locator("#message")).to_contain_text("tạm dừng")
    officer.keyboard.press("t")  # resume
    expect(officer.locator("#paused-banner")).to_be_hidden()
    officer.keyboard.press("s")  # call a given number, not the next one
    officer.keyboard.type(second["number"].lower())
    officer.keyboard.press("Enter")
    expect(officer.locator("#card-number")).to_have_text(second["number"])
    officer.keyboard.press("c")  # transfer to another counter, in the dialog
    officer.locator('#transfer-counters [data-counter="3"]').click()
    expect(officer.locator("#card-number")).to_have_text("—")
    moved = server.api("GET", "/counters/3/waiting", world.tokens["officer3"]).json()
    assert [t["number"] for t in moved][0] == second["number"]
    officer.keyboard.press("v")  # no current ticket: explained, not silent
    expect(officer.locator("#message")).to_contain_text("không có số nào")


def test_a_second_officer_cannot_take_a_held_counter(hall: tuple[Server, World, str], chromium: Any
                                                     ) -> None:
    server, world, _ = hall
    first = console(chromium, server, "officer1")
    first.locator('.counter-choice[data-counter="2"]').click()
    expect(first.locator("#counter-title")).to_have_text("Quầy 2")
    second = console(chromium, server, "officer2")
    expect(second.locator('.counter-choice[data-counter="2"]')).to_contain_text("officer1")
    second.locator('.counter-choice[data-counter="2"]').click()
    expect(second.locator("#message")).to_contain_text("cán bộ khác")
    expect(second.locator("#choose")).to_be_visible()
    assert server.api("GET", "/queue", world.tokens["display"]).json()["counters"][1]["officer"][
        "username"] == "officer1"
    first.locator("#close-counter").click()  # leaving: the chooser offers the same counter first
    expect(first.locator("#choose")).to_be_visible()
    expect(first.locator('.counter-choice[data-counter="2"]')).to_be_focused()
    first.keyboard.press("Enter")
    expect(first.locator("#counter-title")).to_have_text("Quầy 2")


def test_display_recovers_after_a_restart_without_replaying_calls(hall: tuple[Server, World, str],
                                                                   chromium: Any) -> None:
    server, world, url = hall
    first = issue(server, world)
    screen = display(chromium, server, world)
    server.api("POST", "/counters/1/open", world.tokens["officer1"])
    server.api("POST", "/counters/1/call-next", world.tokens["officer1"])
    expect(screen.locator("#now-number")).to_have_text(first["number"])
    screen.wait_for_function("() => window.hallDisplay.log.length === 1")
    server.stop()
    expect(screen.locator("#offline")).to_be_visible(timeout=8000)
    with Server(url, port=server.port) as again:
        expect(screen.locator("#offline")).to_be_hidden(timeout=15000)
        expect(screen.locator('.tile[data-counter="1"] .tile-number')).to_have_text(first["number"])
        time.sleep(1)
        assert len(voice_log(screen)) == 1  # the old call came back in `state`, not as a new call
        second = issue(again, world)
        again.api("POST", "/counters/1/finish", world.tokens["officer1"])
        again.api("POST", "/counters/1/call-next", world.tokens["officer1"])
        expect(screen.locator("#now-number")).to_have_text(second["number"])
        screen.wait_for_function("() => window.hallDisplay.log.length === 2")


def test_door_screen_and_portrait_display(hall: tuple[Server, World, str], chromium: Any) -> None:
    server, world, _ = hall
    ticket = issue(server, world)
    door = display(chromium, server, world, "/display/door", "door1")
    expect(door.locator(".door-name")).to_have_text("Quầy số 1")
    expect(door.locator("#door-state")).to_have_text("Quầy đóng")
    portrait = tv(chromium, portrait=True)
    portrait.goto(f"{server.url}/display?token={world.tokens['display']}")
    server.api("POST", "/counters/1/open", world.tokens["officer1"])
    expect(door.locator("#door-state")).to_have_text("")
    server.api("POST", "/counters/1/call-next", world.tokens["officer1"])
    expect(door.locator("#door-number")).to_have_text(ticket["number"], timeout=1000)
    expect(door.locator("#door-number")).to_have_class(FLASH)
    expect(portrait.locator("#now-number")).to_have_text(ticket["number"])
    screenshot(door, "door.png")
    screenshot(portrait, "display-portrait.png")
    server.api("POST", "/counters/1/pause", world.tokens["officer1"], json={"reason": "x"})  # refused: ticket
    server.api("POST", "/counters/1/finish", world.tokens["officer1"])
    server.api("POST", "/counters/1/pause", world.tokens["officer1"], json={"reason": "Họp"})
    expect(door.locator("#door-state")).to_have_text("Tạm dừng")
    expect(door.locator("#door-number")).to_have_text("—")
