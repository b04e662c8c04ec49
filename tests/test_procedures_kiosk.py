"""The kiosk's procedure lookup (tra cứu thủ tục) in Chromium against a real server: typed on
the on-screen keyboard or browsed by field, a procedure's papers, fee and time, where it is
served today, the portal's QR code, a number taken for it, the papers again on the citizen's
phone; and the kiosk back at its start, in Vietnamese, once nobody touches it."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from hall.engine import procedures
from hall.models import Centre
from hall.store.db import session_scope
from tests.browser import accessibility_problems
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import World
from tests.factories import build_world
from tests.fake_printer import FakePrinter
from tests.servers import Server

DOCS = Path(__file__).resolve().parent.parent / "docs"
PORTAL = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193"
IDLE_MS = 60_000  # kiosk.js LOOKUP_IDLE_MS
MANY = 42  # procedures of Chứng thực: more than the 30 a search shows


def _add(session: Any, centre: Centre, field: str, name: str, **values: Any) -> int:
    procedure = procedures.add(session, centre, procedures.Values(field_code=field, name=name, **values))
    return procedure.id


def _papers(*papers: tuple[str, bool, int]) -> list[dict[str, Any]]:
    return [{"name": name, "original": original, "copies": copies} for name, original, copies in papers]


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, World, dict[str, int]]]:
    """The test world with procedures: births (online, with a portal), marriage, a hidden one,
    one whose portal is not a web address, many certifications, and another centre's."""
    url = f"sqlite:///{tmp_path_factory.mktemp('procedures') / 'hall.sqlite'}"
    app = make_app(url)
    world = build_world(app, Clock().now)
    build_world(app, Clock().now, "C2")
    ids: dict[str, int] = {}
    with session_scope(app, writing=True) as session:
        centre, other = session.query(Centre).order_by(Centre.id).all()
        ids["birth"] = _add(
            session, centre, "HT", "Đăng ký khai sinh", name_en="Birth registration",
            time_limit="Ngay trong ngày làm việc", fee_vnd=0,
            fee_note="Miễn lệ phí khi đăng ký đúng hạn", online="full", portal_url=PORTAL,
            papers=_papers(("Tờ khai đăng ký khai sinh (theo mẫu)", True, 1),
                           ("Giấy chứng sinh", True, 1),
                           ("Giấy tờ tùy thân của người đi đăng ký", False, 2)))
        ids["foreign"] = _add(
            session, centre, "HT", "Đăng ký khai sinh có yếu tố nước ngoài",
            time_limit="03 ngày làm việc", fee_vnd=75000, online="partial",
            portal_url="https://dichvucong.gov.vn", papers=_papers(("Tờ khai", True, 1)))
        ids["marriage"] = _add(session, centre, "HT", "Đăng ký kết hôn", online="none")
        ids["hidden"] = _add(session, centre, "HT", "Đăng ký khai sinh lưu động", online="full",
                             portal_url=PORTAL, visible=False)
        ids["ftp"] = _add(session, centre, "DD", "Đăng ký đất đai lần đầu", online="full",
                          portal_url="ftp://dichvucong.gov.vn/dat-dai")
        ids["signature"] = _add(
            session, centre, "CT", "Chứng thực chữ ký trong các giấy tờ, văn bản",
            time_limit="Trong ngày làm việc", fee_vnd=10000, fee_note="đồng/trường hợp",
            papers=_papers(("Giấy tờ, văn bản cần chứng thực chữ ký", True, 1)))
        for number in range(1, MANY):
            _add(session, centre, "CT", f"Chứng thực bản sao giấy tờ loại {number}")
        ids["other"] = _add(session, other, "HT", "Đăng ký khai sinh", online="full",
                            portal_url=PORTAL)
        session.commit()
    app.extensions["hall.engine"].dispose()
    with Server(url) as server:
        officer = world.tokens["officer1"]
        assert server.api("POST", "/counters/1/open", officer).ok  # counter 1 serves HT and CT
        yield server, world, ids


def screenshot(page: Any, name: str) -> None:
    """HALL_SCREENSHOTS=1 refreshes the pictures in docs/."""
    if os.environ.get("HALL_SCREENSHOTS"):
        page.screenshot(path=str(DOCS / name))


def paired(page: Any, server: Server, token: str) -> None:
    page.goto(f"{server.url}/kiosk?token={token}")
    expect(page.locator(".tile").first).to_be_visible()
    expect(page.locator("#lookup-open")).to_be_visible()


def type_on_screen(page: Any, text: str) -> None:
    """Tap the letters on the kiosk's keyboard; wait for the results of the whole text."""
    for letter in text:
        key = "space" if letter == " " else letter.upper()
        page.locator(f'#keyboard .key[data-key="{key}"]').click()
    typed = page.locator("#lk-q").input_value().strip()
    expect(page.locator("#lk-results")).to_have_attribute("data-query", typed)


def within_screen(page: Any, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None and box["y"] >= 0 and box["x"] >= 0, selector
    assert box["y"] + box["height"] <= size["height"] + 1, f"{selector} runs off the screen"
    assert box["x"] + box["width"] <= size["width"] + 1, f"{selector} runs off the screen"


def no_accessibility_problem(page: Any, what: str) -> None:
    problems = accessibility_problems(page)
    assert not problems, f"{what}:\n" + "\n".join(problems)


def test_look_up_a_procedure_and_take_a_number_for_it(
        hall: tuple[Server, World, dict[str, int]], page: Any) -> None:
    server, world, ids = hall
    with FakePrinter() as printer:
        kiosk = server.api("POST", "/devices", world.tokens["admin"], json={
            "kind": "kiosk", "name": "Ki-ốt tra cứu", "printer": printer.address}).json()
        paired(page, server, kiosk["token"])
        expect(page.locator("#lookup-open")).to_contain_text("Tra cứu thủ tục")
        page.locator("#lookup-open").click()
        expect(page.locator("#lookup")).to_be_visible()
        expect(page.locator(".lk-field-pick")).to_have_count(3)  # nothing typed: browse by field
        type_on_screen(page, "khai sinh")
        expect(page.locator("#lk-q")).to_have_value("khai sinh")
        results = page.locator("#lk-results .proc")
        expect(results).to_have_count(2)  # not the hidden one, not the other centre's
        expect(results.first.locator(".proc-name")).to_have_text("Đăng ký khai sinh")
        expect(results.first).to_contain_text("Làm trực tuyến được")
        expect(page.locator("#lk-status")).to_have_text("Tìm thấy 2 thủ tục")
        for part in ("#keyboard", "#lk-q", "#lk-results"):
            within_screen(page, part)
        no_accessibility_problem(page, "lookup")
        screenshot(page, "kiosk-lookup.png")

        results.first.click()
        expect(page.locator("#procedure")).to_be_visible()
        expect(page.locator("#p-name")).to_have_text("Đăng ký khai sinh")
        papers = page.locator("#p-papers li")
        expect(papers).to_have_count(3)
        expect(papers.nth(0)).to_contain_text("Tờ khai đăng ký khai sinh (theo mẫu)")
        expect(papers.nth(0).locator(".paper-kind")).to_have_text("Bản chính · 1 bản")
        expect(papers.nth(2).locator(".paper-kind")).to_have_text("Bản sao · 2 bản")
        expect(page.locator("#p-time")).to_have_text("Ngay trong ngày làm việc")
        expect(page.locator("#p-fee")).to_contain_text("Miễn phí")
        expect(page.locator("#p-fee .note")).to_have_text("Miễn lệ phí khi đăng ký đúng hạn")
        expect(page.locator("#p-where-field")).to_have_text("Hộ tịch")
        expect(page.locator("#p-counters")).to_have_text("1 quầy đang mở")  # counter 3 is closed
        expect(page.locator("#p-waiting")).to_have_text("0 người đang chờ · Không phải chờ")
        expect(page.locator(".p-online-title")).to_have_text("Làm trực tuyến, không cần chờ")
        qr = page.locator("#p-qr")
        expect(qr).to_have_attribute("src", f"/kiosk/procedures/{ids['birth']}/qr.svg")
        page.wait_for_function("document.getElementById('p-qr').naturalWidth > 0")
        scanned = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())).convert("L"))
        assert [code.text for code in scanned] == [PORTAL]
        for part in ("#p-take", "#p-qr", "#p-papers"):
            within_screen(page, part)
        no_accessibility_problem(page, "procedure")
        screenshot(page, "kiosk-procedure.png")

        page.locator("#p-take").click()
        expect(page.locator("#confirm")).to_be_visible()
        expect(page.locator("#c-procedure")).to_have_text("Đăng ký khai sinh")
        expect(page.locator("#c-field")).to_have_text("Hộ tịch")
        expect(page.locator("#c-print")).to_have_text("Đã in vé. Mời bạn nhận vé bên dưới.",
                                                      timeout=8000)
        assert len(printer.wait_for_jobs(1)) == 1
    number = page.locator("#c-number").inner_text()
    waiting = server.api("GET", "/queue", world.tokens["officer1"]).json()["counters"][0]
    assert waiting["state"] == "open"
    found = [t for t in (server.api("GET", f"/tickets/{n}", world.tokens["officer1"]).json()
                         for n in range(1, 4)) if t.get("number") == number]
    assert len(found) == 1
    ticket = found[0]
    assert ticket["field"]["code"] == "HT" and ticket["source"] == "kiosk"
    assert ticket["procedure"] == {"id": ids["birth"], "name": "Đăng ký khai sinh",
                                   "name_en": "Birth registration"}

    phone = page.context.new_page()  # the citizen's phone, from the QR on the ticket
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(server.url + ticket["track_url"])
    expect(phone.locator("#procedure")).to_have_text("Đăng ký khai sinh")
    expect(phone.locator("#papers h2")).to_have_text("Giấy tờ cần mang")
    checklist = phone.locator("#papers-list li")
    expect(checklist).to_have_count(3)
    expect(checklist.nth(1)).to_contain_text("Giấy chứng sinh")
    expect(checklist.nth(2)).to_contain_text("Bản sao · 2 bản")
    checklist.nth(1).locator("input").check()  # ticked off, and still ticked after a reload
    phone.reload()
    expect(phone.locator("#papers-list li").nth(1).locator("input")).to_be_checked()
    expect(phone.locator("#papers-list li").nth(0).locator("input")).not_to_be_checked()
    no_accessibility_problem(phone, "tracking page with papers")


def test_browse_a_field_fees_and_a_landscape_kiosk(
        hall: tuple[Server, World, dict[str, int]], page: Any) -> None:
    server, world, ids = hall
    page.set_viewport_size({"width": 1920, "height": 1080})
    paired(page, server, world.tokens["kiosk"])
    page.locator("#lookup-open").click()
    page.locator('.lk-field-pick[data-code="CT"]').click()
    expect(page.locator("#lk-field")).to_have_text("Lĩnh vực: Chứng thực")
    expect(page.locator("#lk-results")).to_have_attribute("data-field", "CT")
    expect(page.locator("#lk-results .proc")).to_have_count(30)
    expect(page.locator("#lk-status")).to_have_text(f"Có {MANY} thủ tục")
    expect(page.locator("#lk-more")).to_have_text(
        f"Còn {MANY - 30} thủ tục khác. Gõ thêm chữ để thu hẹp.")
    for part in ("#keyboard", "#lk-q", ".lk-body"):
        within_screen(page, part)
    type_on_screen(page, "chu ky")  # within the field, without diacritics
    expect(page.locator("#lk-results .proc")).to_have_count(1)
    expect(page.locator("#lk-more")).to_be_hidden()
    page.locator("#lk-results .proc").first.click()
    expect(page.locator("#p-fee")).to_have_text("10.000 đồng/trường hợp")
    expect(page.locator("#p-online")).to_be_hidden()
    for part in ("#p-take", "#p-papers", ".p-where"):
        within_screen(page, part)
    page.locator("#p-back").click()  # back to the same results
    expect(page.locator("#lk-q")).to_have_value("chu ky")
    page.locator("#lk-field-clear").click()
    page.locator('#keyboard .key[data-key="clear"]').click()
    type_on_screen(page, "dat dai")
    expect(page.locator("#lk-results")).to_have_attribute("data-field", "")
    page.locator("#lk-results .proc").first.click()
    expect(page.locator("#p-name")).to_have_text("Đăng ký đất đai lần đầu")
    expect(page.locator("#p-fee")).to_have_text("—")
    expect(page.locator("#p-online")).to_be_hidden()  # an ftp:// portal is no place to send anyone
    expect(page.locator("#p-counters")).to_have_text("Chưa có quầy nào đang mở")
    expect(page.locator("#p-no-papers")).to_be_visible()


def test_the_lookup_goes_back_to_the_start_in_vietnamese(
        hall: tuple[Server, World, dict[str, int]], page: Any) -> None:
    server, world, _ = hall
    page.clock.install()  # time flows as usual until the test runs it forward
    paired(page, server, world.tokens["kiosk"])
    page.locator("#lookup-open").click()
    page.clock.run_for(IDLE_MS + 1000)  # the lookup alone, untouched
    expect(page.locator("#choose")).to_be_visible()
    expect(page.locator("#lookup")).to_be_hidden()

    page.locator("#lang").click()
    page.locator("#lookup-open").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    type_on_screen(page, "khai")
    page.locator("#lk-results .proc").first.click()
    expect(page.locator("#p-name")).to_have_text("Birth registration")
    page.clock.run_for(IDLE_MS - 5000)
    expect(page.locator("#procedure")).to_be_visible()
    page.locator("#p-name").click()  # a touch: a minute more
    page.clock.run_for(IDLE_MS - 5000)
    expect(page.locator("#procedure")).to_be_visible()
    page.clock.run_for(6000)
    expect(page.locator("#choose")).to_be_visible()
    expect(page.locator("#prompt")).to_have_text("Chạm vào lĩnh vực để lấy số thứ tự")
    expect(page.locator("#lookup-open")).to_contain_text("Tra cứu thủ tục")
    page.locator("#lookup-open").click()  # the next citizen starts afresh
    expect(page.locator("#lk-q")).to_have_value("")
    expect(page.locator(".lk-field-pick")).to_have_count(3)


def test_the_portal_qr_is_only_for_the_kiosk_and_a_shown_online_procedure(
        hall: tuple[Server, World, dict[str, int]]) -> None:
    server, world, ids = hall

    def qr(procedure: int, token: str | None = None) -> requests.Response:
        cookies = {"hall_kiosk": token} if token else None
        return requests.get(f"{server.url}/kiosk/procedures/{procedure}/qr.svg", cookies=cookies,
                            timeout=10)

    kiosk = world.tokens["kiosk"]
    answer = qr(ids["birth"], kiosk)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("image/svg+xml")
    assert answer.content.lstrip().startswith(b"<?xml") or b"<svg" in answer.content[:200]
    again = requests.get(answer.url, cookies={"hall_kiosk": kiosk}, timeout=10,
                         headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304
    assert qr(ids["birth"]).status_code == 401  # no kiosk
    assert qr(ids["birth"], world.tokens["display"]).status_code == 401  # not a kiosk's token
    for name in ("hidden", "ftp", "marriage", "other"):  # hidden, not a web address, not online,
        assert qr(ids[name], kiosk).status_code == 404, name  # another centre's
    assert qr(999999, kiosk).status_code == 404
