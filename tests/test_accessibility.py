"""axe-core in Chromium on every page a person uses: no serious or critical accessibility
violation on the kiosk, the hall and door screens, the console, the tracking page, the
administration, reports and dashboard, the login and start pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser import accessibility_problems
from tests.factories import PASSWORD
from tests.factories import World
from tests.servers import Server
from tests.servers import serving_worlds


@pytest.fixture(scope="module")
def hall(tmp_path_factory: Any) -> Iterator[tuple[Server, World]]:
    with serving_worlds(tmp_path_factory.mktemp("a11y")) as (server, worlds, _):
        yield server, worlds[0]


def log_in(page: Any, server: Server, username: str, target: str) -> None:
    page.goto(f"{server.url}/counter/login?next={target}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(server.url + target)


def check(page: Any, what: str) -> None:
    problems = accessibility_problems(page)
    assert not problems, f"{what}:\n" + "\n".join(problems)


def test_device_and_citizen_pages(hall: tuple[Server, World], page: Any) -> None:
    server, world = hall
    page.goto(f"{server.url}/kiosk?token={world.tokens['kiosk']}")
    expect(page.locator(".tile").first).to_be_visible()
    check(page, "kiosk")
    page.locator('.tile[data-code="HT"]').click()
    expect(page.locator("#confirm")).to_be_visible()
    check(page, "kiosk confirmation")
    ticket = server.api("GET", "/tickets/1", world.tokens["officer1"]).json()
    page.goto(server.url + ticket["track_url"])
    check(page, "tracking page")
    page.goto(f"{server.url}/display?token={world.tokens['display']}")
    expect(page.locator("body")).to_be_visible()
    check(page, "hall display")
    page.goto(f"{server.url}/display/door?token={world.tokens['door1']}")
    check(page, "door screen")
    page.goto(server.url + "/")
    check(page, "start page")
    page.goto(server.url + "/counter/login")
    check(page, "login page")


def test_staff_pages(hall: tuple[Server, World], page: Any) -> None:
    server, _ = hall
    log_in(page, server, "officer1", "/counter")
    expect(page.locator("#choose, #work").first).to_be_attached()
    check(page, "console")
    page.context.clear_cookies()
    log_in(page, server, "admin", "/admin")
    expect(page.locator("#fields tbody tr").first).to_be_visible()
    check(page, "administration: fields")
    for tab in ("centre", "counters", "devices", "users", "tokens", "audit"):
        page.click(f"#tabs button[data-tab={tab}]")
        check(page, f"administration: {tab}")
    page.goto(server.url + "/admin/dashboard")
    expect(page.locator("body[data-loaded]")).to_be_attached()
    check(page, "dashboard")
    page.goto(server.url + "/admin/reports")
    expect(page.locator("#chart-hours[data-points]")).to_be_attached()
    check(page, "reports")


def test_rating_tablet_and_the_phones_rating(hall: tuple[Server, World], page: Any) -> None:
    server, world = hall
    officer = world.tokens["officer1"]
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{server.url}/tablet?token={world.tokens['tablet1']}")
    expect(page.locator("#idle")).to_be_visible()
    check(page, "rating tablet: waiting")
    ticket = server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "HT"}).json()
    server.api("POST", "/counters/1/open", officer)
    try:
        done = server.api("POST", "/counters/1/call-next", officer).json()
        server.api("POST", "/counters/1/finish", officer)
        expect(page.locator("#ask")).to_be_visible()
        check(page, "rating tablet: asking")
        page.locator('.level[data-level="dissatisfied"]').click()
        page.locator(".reason").first.click()
        check(page, "rating tablet: reasons")
        page.locator("#comment-open").click()
        check(page, "rating tablet: keyboard")
        if done["id"] == ticket["id"]:
            page.goto(server.url + ticket["track_url"])
            expect(page.locator("#rate")).to_be_visible()
            page.locator('.rate-level[data-level="dissatisfied"]').click()
            check(page, "tracking page: rating")
    finally:
        server.api("POST", "/counters/1/close", officer)
