"""The hall display and the door screen as they hang in a hall: a long centre name, counters
and numbers fit at 1080 × 1920 (portrait), 1920 × 1080 and 1366 × 768 without a number
wrapping; the waiting count of every field is on the board; and only the door of a counter
with a rating tablet asks citizens to rate."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy import update

from hall.engine import admin
from hall.models import Centre
from hall.models import Device
from hall.store.db import session_scope
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import World
from tests.factories import build_world
from tests.servers import Server

DOCS = Path(__file__).resolve().parent.parent / "docs"
LONG_NAME = "Trung tâm Phục vụ hành chính công huyện Phong Điền, tỉnh Thừa Thiên Huế"
SIZES = [(1080, 1920), (1920, 1080), (1366, 768)]


@pytest.fixture(scope="module")
def busy_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, World]]:
    """Nine waiting, three counters calling; a door on counter 2, whose tablet is revoked."""
    folder = tmp_path_factory.mktemp("display")
    url = f"sqlite:///{folder / 'hall.sqlite'}"
    app = make_app(url)
    world = build_world(app, Clock().now)
    with session_scope(app, writing=True) as session:
        session.execute(update(Centre).values(name=LONG_NAME))
        centre = session.scalars(select(Centre)).one()
        _, world.tokens["door2"] = admin.add_device(session, centre, "display", "door2",
                                                    Clock().now, 2)
        session.execute(update(Device).where(Device.name == "tablet2")
                        .values(revoked_at=Clock().now))
        session.commit()
    app.extensions["hall.engine"].dispose()
    with Server(url) as server:
        for index in range(12):
            server.api("POST", "/tickets", world.tokens["kiosk"],
                       json={"field": ("HT", "CT", "DD")[index % 3]})
        for number in (1, 2, 3):
            server.api("POST", f"/counters/{number}/open", world.tokens[f"officer{number}"])
            server.api("POST", f"/counters/{number}/call-next", world.tokens[f"officer{number}"])
        yield server, world


def one_line(page: Any, selector: str) -> list[str]:
    """The elements of `selector` whose text is cut off or wraps onto a second line."""
    return page.evaluate("""(selector) => [...document.querySelectorAll(selector)].filter(e => {
        const style = getComputedStyle(e), line = parseFloat(style.fontSize) * 1.6;
        return e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().height > line;
    }).map(e => e.textContent)""", selector)


@pytest.mark.parametrize("size", SIZES)
def test_the_board_fits_without_wrapping(busy_hall: tuple[Server, World], page: Any,
                                         size: tuple[int, int]) -> None:
    server, world = busy_hall
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server.url}/display?token={world.tokens['display']}")
    expect(page.locator(".tile")).to_have_count(3)
    expect(page.locator("#now-number")).not_to_have_text("—")
    page.evaluate("document.fonts.ready")
    assert one_line(page, ".tile-number, #now-number, #now-counter, .r-number") == []
    # the centre's whole name: on one line, or two at the smallest size, never cut short
    name = page.evaluate("""() => { const h = document.getElementById('centre');
        const lines = h.getBoundingClientRect().height / parseFloat(getComputedStyle(h).lineHeight || 0);
        return {cut: h.scrollHeight > h.clientHeight + 1 || (!h.classList.contains('two-lines')
                     && h.scrollWidth > h.clientWidth + 1),
                twoLines: h.classList.contains('two-lines'), height: h.getBoundingClientRect().height,
                font: parseFloat(getComputedStyle(h).fontSize)}; }""")
    assert not name["cut"], name
    assert name["height"] <= name["font"] * 2.6  # at most two lines
    overflowing = page.evaluate("""() => [...document.querySelectorAll('header, main, #now, #board, aside')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                  || e.getBoundingClientRect().bottom > window.innerHeight + 1)
        .map(e => e.id || e.tagName)""")
    assert overflowing == []
    # how many wait per field, readable and on screen
    waiting = page.locator("#waiting li")
    expect(waiting).to_have_count(3)
    expect(page.locator('#waiting li[data-field="HT"] .w-count')).to_have_text("3")
    assert page.locator("#waiting-box").bounding_box()["y"] + 40 < height
    if os.environ.get("HALL_SCREENSHOTS") and size == (1366, 768):
        page.screenshot(path=str(DOCS / "display-1366.png"))


@pytest.mark.parametrize("size", [(1080, 1920), (1366, 768)])
def test_only_a_counter_with_a_tablet_asks_for_a_rating(busy_hall: tuple[Server, World], page: Any,
                                                        size: tuple[int, int]) -> None:
    server, world = busy_hall
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{server.url}/display/door?token={world.tokens['door1']}")
    expect(page.locator("#door-number")).to_have_text("A001")
    expect(page.locator("#door-rate")).to_be_visible()
    expect(page.locator("#door-rate")).to_contain_text("đánh giá mức độ hài lòng")
    assert one_line(page, "#door-number") == []
    page.goto(f"{server.url}/display/door?token={world.tokens['door2']}")
    expect(page.locator("#door-number")).to_have_text("B001")
    expect(page.locator("#door-rate")).to_have_count(0)  # its tablet was revoked


WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


@pytest.mark.parametrize("path", ["/display", "/kiosk"])
def test_the_server_s_day_on_a_pc_a_day_off(busy_hall: tuple[Server, World], page: Any,
                                            path: str) -> None:
    """The screen PC's clock runs a day late (Playwright's clock); the page shows the
    centre's service day and time by the server."""
    from datetime import datetime
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    server, world = busy_hall
    now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    page.clock.install(time=now - timedelta(days=1))
    page.clock.resume()  # time flows, from the wrong day
    assert page.evaluate("new Date().getDate()") == (now - timedelta(days=1)).day
    token = world.tokens["display" if path == "/display" else "kiosk"]
    page.goto(f"{server.url}{path}?token={token}")
    shown = page.locator("#date" if path == "/display" else "#clock")
    today = f"{WEEKDAYS[now.weekday()]}, {now:%d/%m/%Y}"
    if datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date() == now.date():  # not across midnight
        expect(shown).to_contain_text(today)
