"""The counter's rating tablet and the phone's rating in Chromium, against a real server: the
officer finishes, the tablet asks, a tap is stored; reasons and a comment typed on the
Vietnamese on-screen keyboard; back to waiting after half a minute (Playwright's clock); a
newer request replaces an older one; a ticket rated from the phone first is refused on the
tablet; the tracking page's own rating; English on the spot."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine
from sqlalchemy import select

from hall.models import Rating
from hall.web.i18n import catalogue
from tests.factories import World
from tests.servers import Server
from tests.servers import serving_worlds
from tests.test_pages_kiosk import screenshot

QUESTION = "Quý khách có hài lòng với việc giải quyết thủ tục hành chính không?"
FIELD_OF = {1: "HT", 2: "CT", 3: "DD"}  # each counter here calls its own field's tickets


@pytest.fixture(scope="module")
def hall(tmp_path_factory: Any) -> Iterator[tuple[Server, World, str]]:
    with serving_worlds(tmp_path_factory.mktemp("tablet")) as (server, worlds, url):
        world = worlds[0]
        server.api("PATCH", "/users/officer1", world.tokens["admin"], json={"full_name": "Nguyễn Thị Lan"})
        for number in (1, 2, 3):
            assert server.api("POST", f"/counters/{number}/open",
                              world.tokens[f"officer{number}"]).status_code == 200
        yield server, world, url


def ratings_in(url: str) -> list[Rating]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(Rating).order_by(Rating.id)).all())  # type: ignore[arg-type]
    finally:
        engine.dispose()


def tablet(chromium: Any, server: Server, world: World, counter: int, clock: bool = False) -> Any:
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 800})
    refused: list[str] = []
    context.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page = context.new_page()
    page.refused = refused
    if clock:
        page.clock.install()  # time flows as usual until the test runs it forward
    page.goto(f"{server.url}/tablet?token={world.tokens[f'tablet{counter}']}")
    expect(page).to_have_url(f"{server.url}/tablet")  # paired: the token left the address bar
    expect(page.locator("#idle")).to_be_visible()
    expect(page.locator("#offline")).to_be_hidden()
    return page


def served(server: Server, world: World, counter: int) -> dict[str, Any]:
    """A ticket issued, called to `counter` and finished there by its officer."""
    officer = world.tokens[f"officer{counter}"]
    ticket = server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": FIELD_OF[counter]}).json()
    called = server.api("POST", f"/counters/{counter}/call-next", officer).json()
    assert called["id"] == ticket["id"]
    assert server.api("POST", f"/counters/{counter}/finish", officer).json()["status"] == "done"
    return dict(ticket, token=ticket["track_url"].rsplit("/", 1)[1])


def key(page: Any, *keys: str) -> None:
    for name in keys:
        page.locator(f'.key[data-key="{name}"]').click()


def test_one_tap_then_reasons_and_a_comment_typed_in_vietnamese(
        hall: tuple[Server, World, str], chromium: Any) -> None:
    server, world, url = hall
    page = tablet(chromium, server, world, 1, clock=True)
    expect(page.locator("#idle h1")).to_have_text("Xin kính chào quý khách")
    expect(page.locator("#idle-counter")).to_have_text("Quầy 1")
    expect(page.locator("#officer")).to_have_text("Cán bộ: Nguyễn Thị Lan")
    screenshot(page, "tablet-idle.png")

    # The tone keys, as a table: the mark lands on the vowel Vietnamese spelling puts it on.
    cases = {("vê", "huyen"): "về", ("mua", "huyen"): "mùa", ("toan", "sac"): "toán",
             ("ngươi", "huyen"): "người", ("muôn", "nang"): "muộn", ("qua", "sac"): "quá",
             ("giưa", "nga"): "giữa", ("hoi", "hoi"): "hỏi", ("ngoai", "huyen"): "ngoài",
             ("Ê", "huyen"): "Ề", ("về", "huyen"): "vê", ("vế", "huyen"): "về",
             ("chao anh", "sac"): "chao ánh", ("xin ", "sac"): "xin ", ("bc", "sac"): "bc",
             ("a\u0301", "nang"): "ạ"}
    for (text, tone), want in cases.items():
        got = page.evaluate("([t, k]) => window.hallTablet.applyTone(t, k)", [text, tone])
        assert got == want, (text, tone, got)
        assert page.evaluate("(s) => s === s.normalize('NFC')", got)

    first = served(server, world, 1)
    expect(page.locator("#ask")).to_be_visible()
    expect(page.locator("#ask-number")).to_have_text(first["number"])
    expect(page.locator("#question")).to_have_text(QUESTION)
    expect(page.locator(".level svg.face")).to_have_count(3)
    expect(page.locator(".level .words")).to_have_text(["Rất hài lòng", "Hài lòng", "Không hài lòng"])
    screenshot(page, "tablet-asking.png")
    page.locator('.level[data-level="very_satisfied"]').click()
    expect(page.locator("#thanks")).to_be_visible()
    expect(page.locator("#thanks h1")).to_have_text("Xin cảm ơn quý khách!")
    screenshot(page, "tablet-thanks.png")
    [stored] = ratings_in(url)
    assert (stored.ticket_id, stored.level) == (first["id"], "very_satisfied")
    assert stored.device_id is not None  # from the tablet
    page.clock.run_for(5100)
    expect(page.locator("#idle")).to_be_visible()

    second = served(server, world, 1)
    expect(page.locator("#ask-number")).to_have_text(second["number"])
    page.locator('.level[data-level="dissatisfied"]').click()
    expect(page.locator("#why")).to_be_visible()
    expect(page.locator(".reason")).to_have_count(6)
    page.locator('.reason[data-reason="waiting_time"]').click()
    page.locator('.reason[data-reason="unclear_guidance"]').click()
    expect(page.locator('.reason[aria-pressed="true"]')).to_have_count(2)
    page.locator("#comment-open").click()
    expect(page.locator("#keyboard")).to_be_visible()
    key(page, "shift", "v", "ê", "huyen", "space", "m", "u", "ô", "n", "nang")
    expect(page.locator("#comment")).to_have_value("Về muộn")
    expect(page.locator("#count")).to_have_text("7/200")
    key(page, "back", "n", "space", "q", "u", "a", "sac")
    expect(page.locator("#comment")).to_have_value("Về muộn quá")
    screenshot(page, "tablet-keyboard.png")
    page.locator("#typing-done").click()
    expect(page.locator("#comment-preview")).to_have_text("Về muộn quá")
    screenshot(page, "tablet-reasons.png")
    page.locator("#send").click()
    expect(page.locator("#thanks")).to_be_visible()
    latest = ratings_in(url)[-1]
    assert latest.ticket_id == second["id"] and latest.level == "dissatisfied"
    assert latest.reasons == ["waiting_time", "unclear_guidance"] and latest.comment == "Về muộn quá"
    assert not page.refused, page.refused
    page.context.close()


def test_timeout_a_newer_request_english_and_a_ticket_rated_from_the_phone(
        hall: tuple[Server, World, str], chromium: Any) -> None:
    server, world, url = hall
    before = len(ratings_in(url))
    page = tablet(chromium, server, world, 2, clock=True)
    ignored = served(server, world, 2)
    expect(page.locator("#ask-number")).to_have_text(ignored["number"])
    page.clock.run_for(31_000)  # half a minute without a choice: back to waiting, nothing stored
    expect(page.locator("#idle")).to_be_visible()
    assert len(ratings_in(url)) == before

    older = served(server, world, 2)
    expect(page.locator("#ask-number")).to_have_text(older["number"])
    page.locator("#lang").click()  # English on the spot
    english = catalogue("en").gettext
    expect(page.locator("#question")).to_have_text(english(QUESTION))
    expect(page.locator(".level .words")).to_have_text(["Very satisfied", "Satisfied", "Dissatisfied"])
    expect(page.locator("#lang")).to_have_text("Tiếng Việt")
    newer = served(server, world, 2)  # the next citizen's request replaces the one shown
    expect(page.locator("#ask-number")).to_have_text(newer["number"])
    # The citizen rated from the phone first: the tablet's tap is refused, and it says so.
    assert server.api("POST", "/ratings", newer["token"],
                      json={"ticket": newer["id"], "level": "satisfied"}).status_code == 201
    page.locator('.level[data-level="satisfied"]').click()
    expect(page.locator("#notice")).to_be_visible()
    refused = catalogue("en", "js").gettext("Số này đã được đánh giá")  # the script's words
    expect(page.locator("#notice-text")).to_have_text(refused)
    page.clock.run_for(5100)
    expect(page.locator("#idle")).to_be_visible()
    expect(page.locator("#idle h1")).to_have_text("Xin kính chào quý khách")  # Vietnamese again
    assert [r.level for r in ratings_in(url)[before:]] == ["satisfied"]
    # A reload within the minute does not ask again about a ticket already rated.
    page.reload()
    expect(page.locator("#idle")).to_be_visible()
    page.wait_for_timeout(300)
    expect(page.locator("#idle")).to_be_visible()
    assert not page.refused, page.refused
    page.context.close()


def test_the_phone_rates_after_service_and_the_second_rating_is_refused(
        hall: tuple[Server, World, str], chromium: Any) -> None:
    server, world, url = hall
    officer = world.tokens["officer3"]
    phone = chromium.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}).new_page()
    ticket = server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "DD"}).json()
    phone.goto(server.url + ticket["track_url"])
    expect(phone.locator("#status")).to_contain_text("Đang chờ")
    expect(phone.locator("#rate")).to_be_hidden()
    server.api("POST", "/counters/3/call-next", officer)
    server.api("POST", "/counters/3/finish", officer)
    expect(phone.locator("#rate")).to_be_visible()  # live: the service just ended
    expect(phone.locator("#rate-title")).to_have_text(QUESTION)
    expect(phone.locator(".rate-level svg.face")).to_have_count(3)
    phone.locator('.rate-level[data-level="dissatisfied"]').click()
    phone.locator('.rate-reason[data-reason="attitude"]').click()
    phone.locator('.rate-reason[data-reason="facilities"]').click()
    phone.fill("#rate-comment", "  Cán bộ chưa nhiệt tình  ")
    phone.locator("#rate-send").click()
    expect(phone.locator("#rate-done")).to_have_text("Cảm ơn quý khách đã đánh giá.")
    expect(phone.locator("#rate")).to_be_hidden()
    latest = ratings_in(url)[-1]
    assert latest.ticket_id == ticket["id"] and latest.device_id is None and latest.counter_id is not None
    assert latest.reasons == ["attitude", "facilities"] and latest.comment == "Cán bộ chưa nhiệt tình"
    phone.reload()
    expect(phone.locator("#status")).to_contain_text("Đã phục vụ xong")
    expect(phone.locator("#rate")).to_be_hidden()  # rated: nothing offered again

    # The tablet was first this time: the phone, opened before, is told it was rated.
    again = served(server, world, 3)
    phone.goto(server.url + again["track_url"])
    expect(phone.locator("#rate")).to_be_visible()
    assert server.api("POST", "/ratings", world.tokens["tablet3"],
                      json={"ticket": again["id"], "level": "very_satisfied"}).status_code == 201
    phone.locator('.rate-level[data-level="satisfied"]').click()
    expect(phone.locator("#rate-done")).to_have_text("Số này đã được đánh giá")
    assert [r.level for r in ratings_in(url) if r.ticket_id == again["id"]] == ["very_satisfied"]
    phone.context.close()


def test_unpaired_tablet_page(hall: tuple[Server, World, str], page: Any) -> None:
    server, world, _ = hall
    answer = page.goto(f"{server.url}/tablet")
    assert answer is not None and answer.status == 401
    expect(page.locator("h1")).to_have_text("Máy tính bảng chưa được ghép nối")
    answer = page.goto(f"{server.url}/tablet?token={world.tokens['display']}")
    assert answer is not None and answer.status == 403
    expect(page.locator(".error")).to_be_visible()

