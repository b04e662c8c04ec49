"""The officer console as it is used all day: buttons with nothing to act on are disabled
with the reason on hover, the record-code box never carries a half-typed code onto the next
citizen, a failed login keeps the username, and the waiting count of each of the counter's
fields stays in view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.factories import World
from tests.servers import Server
from tests.servers import serving_worlds
from tests.test_pages_hall import console
from tests.test_pages_hall import issue

ACTIONS = ["call-next", "recall", "start", "finish", "no-show", "transfer", "call-number"]


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[tuple[Server, World]]:
    with serving_worlds(tmp_path) as (server, worlds, _):
        yield server, worlds[0]


def enabled(page: Any) -> dict[str, bool]:
    return {action: page.locator(f'.actions [data-action="{action}"]').is_enabled()
            for action in ACTIONS}


def test_buttons_follow_what_can_be_done(hall: tuple[Server, World], chromium: Any) -> None:
    server, world = hall
    issue(server, world, "HT")
    issue(server, world, "CT")
    officer = console(chromium, server, "officer1")
    officer.locator('.counter-choice[data-counter="1"]').click()
    # nothing called yet: only calling is possible, and the others say why
    expect(officer.locator('.actions [data-action="finish"]')).to_be_disabled()
    assert enabled(officer) == {"call-next": True, "recall": False, "start": False, "finish": False,
                                "no-show": False, "transfer": False, "call-number": True}
    expect(officer.locator('.actions [data-action="recall"]')).to_have_attribute(
        "title", "Quầy không có số nào đang gọi hoặc phục vụ")
    # the counter serves Hộ tịch and Chứng thực: one waits in each, always in view
    expect(officer.locator('#field-counts li[data-field="HT"] strong')).to_have_text("1")
    expect(officer.locator('#field-counts li[data-field="CT"] strong')).to_have_text("1")
    officer.keyboard.press("n")
    expect(officer.locator("#card-number")).to_have_text("A001")
    expect(officer.locator('#field-counts li[data-field="HT"] strong')).to_have_text("0")
    assert enabled(officer) == {"call-next": False, "recall": True, "start": True, "finish": True,
                                "no-show": True, "transfer": True, "call-number": False}
    expect(officer.locator('.actions [data-action="call-next"]')).to_have_attribute(
        "title", "Hãy kết thúc, báo vắng hoặc chuyển số A001 trước")
    officer.keyboard.press("n")  # its key says the same, and nothing is called
    expect(officer.locator("#message")).to_contain_text("A001 trước")
    officer.keyboard.press("b")  # serving: no recall, no no-show
    expect(officer.locator('.actions [data-action="recall"]')).to_be_disabled()
    assert enabled(officer)["no-show"] is False and enabled(officer)["finish"] is True
    # a code typed but not sent does not follow onto the next citizen
    officer.locator("#record-input").fill("H-2026-0001")
    officer.locator("#record-input").press("Escape")
    officer.keyboard.press("k")
    expect(officer.locator("#card-number")).to_have_text("—")
    expect(officer.locator("#record-input")).to_have_value("")
    # typed after the finish, for the citizen just served: the board moving on keeps it
    officer.locator("#record-input").fill("H-2026-0002")
    issue(server, world, "HT")
    expect(officer.locator('#field-counts li[data-field="HT"] strong')).to_have_text("1")
    expect(officer.locator("#record-input")).to_have_value("H-2026-0002")
    officer.locator("#record-input").press("Escape")
    officer.keyboard.press("n")  # the next citizen (Hộ tịch's own line comes first here)
    expect(officer.locator("#card-number")).to_have_text("A002")
    expect(officer.locator("#record-input")).to_have_value("")
    assert server.api("GET", "/tickets/1", world.tokens["officer1"]).json()["records"] == []


def test_a_failed_login_keeps_the_username(hall: tuple[Server, World], chromium: Any) -> None:
    server, _ = hall
    page = chromium.new_context(locale="vi-VN").new_page()
    page.goto(f"{server.url}/counter/login")
    page.fill("input[name=username]", "officer2")
    page.fill("input[name=password]", "sai-mật-khẩu")
    page.click("button[type=submit]")
    expect(page.locator("input[name=username]")).to_have_value("officer2")
    expect(page.locator("input[name=password]")).to_have_value("")
