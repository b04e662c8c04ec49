"""The kiosk's tiles fill the screen at any number of fields, on the portrait kiosk (1080 ×
1920) and a landscape one (1920 × 1080): big tiles for a few fields, pages and search for
many, each tile's waiting line readable from a step back; and the priority switch never
gives a silent normal ticket."""

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
from tests.servers import Server

DOCS = Path(__file__).resolve().parent.parent / "docs"
NAMES = ["Hộ tịch", "Chứng thực", "Đất đai", "Đăng ký kinh doanh", "Xây dựng", "Lao động",
         "Thương binh và Xã hội", "Tư pháp", "Giáo dục", "Y tế", "Tài nguyên và Môi trường",
         "Nông nghiệp", "Giao thông vận tải", "Công thương", "Văn hóa và Thể thao"]


def hall_with(folder: Path, count: int) -> tuple[str, World]:
    url = f"sqlite:///{folder / 'hall.sqlite'}"
    app = make_app(url)
    world = build_world(app, Clock().now)  # Hộ tịch, Chứng thực, Đất đai
    with session_scope(app, writing=True) as session:
        for number in range(3, count):
            name = NAMES[number] if number < len(NAMES) else f"Lĩnh vực số {number + 1}"
            session.add(Field(centre_id=1, code=f"F{number}", name=name, prefix=None,
                              block_start=1000 * number, block_end=1000 * number + 999,
                              position=number))
        session.commit()
    app.extensions["hall.engine"].dispose()
    return url, world


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
          ) -> Iterator[tuple[Server, World]]:
    """One server per number of fields, shared by the sizes (the tests only read)."""
    url, world = hall_with(tmp_path_factory.mktemp("kiosk"), request.param)
    with Server(url) as server:
        yield server, world


def tile_boxes(page: Any) -> list[dict[str, float]]:
    return page.evaluate("""() => [...document.querySelectorAll('.tile')].map(t => {
        const r = t.getBoundingClientRect(), meta = t.querySelector('.meta');
        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                metaPx: parseFloat(getComputedStyle(meta).fontSize),
                clipped: t.scrollHeight > t.clientHeight + 1 || t.scrollWidth > t.clientWidth + 1};
    })""")


@pytest.mark.parametrize("kiosk", [3, 12, 40], indirect=True)
@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)])
def test_tiles_fill_the_screen(kiosk: tuple[Server, World], page: Any, size: tuple[int, int],
                               request: pytest.FixtureRequest) -> None:
    server, world = kiosk
    count = request.node.callspec.params["kiosk"]
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server.url}/kiosk?token={world.tokens['kiosk']}")
    expect(page.locator(".tile").first).to_be_visible()
    boxes = tile_boxes(page)
    top = page.evaluate("document.getElementById('tiles').getBoundingClientRect().top")
    lowest = max(box["bottom"] for box in boxes)
    assert lowest <= height, "a tile runs off the screen"
    assert not [box for box in boxes if box["clipped"]], "a tile's text is cut off"
    assert min(box["metaPx"] for box in boxes) >= 20  # the waiting line, from a step back
    if count <= 12:
        assert len(boxes) == count and page.locator("#pager").is_hidden()
        # the tiles reach down to the bottom: no third of the screen left empty
        assert lowest >= height - 0.12 * (height - top)
    else:
        pages = page.locator("#page").inner_text()
        assert len(boxes) < count and pages.startswith("Trang 1/")
        assert lowest >= height - 0.25 * (height - top)  # a full page, less its pager
        page.locator("#search").fill("LINH VUC SO 40")  # no diacritics, capitals
        expect(page.locator(".tile")).to_have_count(1)
        expect(page.locator(".tile .name")).to_have_text("Lĩnh vực số 40")
        expect(page.locator("#pager")).to_be_hidden()
        # the search cleared, the pager comes back on the screen, under the tiles
        page.locator("#search").fill("")
        expect(page.locator("#pager")).to_be_visible()
        pager = page.locator("#pager").bounding_box()
        assert pager is not None and pager["y"] + pager["height"] <= height
        assert max(box["bottom"] for box in tile_boxes(page)) <= pager["y"]
        # the priority groups open: tiles and pager make room for them, still on the screen
        page.locator("#priority").click()
        expect(page.locator("#categories")).to_be_visible()
        pager = page.locator("#pager").bounding_box()
        assert pager is not None and pager["y"] + pager["height"] <= height
        assert max(box["bottom"] for box in tile_boxes(page)) <= pager["y"]
    if os.environ.get("HALL_SCREENSHOTS") and count == 12 and width == 1080:
        page.screenshot(path=str(DOCS / "kiosk-12-portrait.png"))


@pytest.mark.parametrize("kiosk", [3], indirect=True)
def test_priority_needs_a_group(kiosk: tuple[Server, World], page: Any) -> None:
    """'Ưu tiên' alone issues nothing: the kiosk asks for the group; the ticket says it."""
    server, world = kiosk
    page.goto(f"{server.url}/kiosk?token={world.tokens['kiosk']}")
    page.locator("#priority").click()
    expect(page.locator("#categories")).to_be_visible()
    expect(page.locator("#priority")).to_have_attribute("aria-pressed", "false")
    page.locator('.tile[data-code="HT"]').click()
    expect(page.locator("#message")).to_contain_text("Xin chọn đối tượng ưu tiên")
    expect(page.locator("#confirm")).to_be_hidden()
    assert server.api("GET", "/queue", world.tokens["display"]).json()["fields"][0]["waiting"] == 0
    page.locator('.category[data-key="pregnant"]').click()
    expect(page.locator("#priority")).to_have_attribute("aria-pressed", "true")
    page.locator('.tile[data-code="HT"]').click()
    expect(page.locator("#c-priority")).to_have_text("Ưu tiên: Phụ nữ mang thai")
    page.locator("#done").click()
    # a second tap on the switch closes the groups and takes the choice back
    page.locator("#priority").click()
    page.locator('.category[data-key="elderly"]').click()
    page.locator("#priority").click()
    expect(page.locator("#categories")).to_be_hidden()
    page.locator('.tile[data-code="CT"]').click()
    expect(page.locator("#c-priority")).to_be_hidden()
    tickets = [server.api("GET", f"/tickets/{n}", world.tokens["officer1"]).json() for n in (1, 2)]
    assert [(t["priority"], t["priority_category"]) for t in tickets] == [
        (True, "pregnant"), (False, None)]
