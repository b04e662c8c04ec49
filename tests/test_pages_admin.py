"""The administration page in Chromium against a real server: an admin adds a field and a
counter, pairs a kiosk by the link and QR code the page shows once, and the kiosk shows a new
field without a reload; revoking a display drops it from the list and from the hall."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import PASSWORD
from tests.factories import World
from tests.factories import build_world
from tests.servers import Server
from tests.servers import serving_worlds

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[tuple[Server, World]]:
    with serving_worlds(tmp_path) as (server, worlds, _):
        yield server, worlds[0]


def log_in_as_admin(page: Any, server: Server) -> None:
    page.goto(server.url + "/admin")
    expect(page).to_have_url(server.url + "/counter/login?next=/admin")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(server.url + "/admin")


def test_set_up_from_the_browser(hall: tuple[Server, World], page: Any, chromium: Any) -> None:
    server, _ = hall
    log_in_as_admin(page, server)
    form = page.locator("#field-form")
    form.locator("input[name=code]").fill("XD")
    form.locator("input[name=name]").fill("Xây dựng")
    form.locator("button[type=submit]").click()
    expect(page.locator("#fields tbody").first).to_contain_text("Xây dựng")
    if os.environ.get("HALL_SCREENSHOTS"):
        page.screenshot(path=str(DOCS / "admin.png"))

    page.click("#tabs button[data-tab=counters]")
    form = page.locator("#counter-form")
    form.locator("input[name=number]").fill("9")
    form.locator("input[name=field][value=XD]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("#counters tbody")).to_contain_text("XD")

    page.click("#tabs button[data-tab=devices]")
    form = page.locator("#device-form")
    form.locator("select[name=kind]").select_option("kiosk")
    form.locator("input[name=name]").fill("Ki-ốt sảnh B")
    form.locator("button[type=submit]").click()
    link = page.locator("#pair-link")
    expect(link).to_contain_text("/kiosk?token=")
    page.wait_for_function("() => document.getElementById('pair-qr').naturalWidth > 0")
    if os.environ.get("HALL_SCREENSHOTS"):
        page.screenshot(path=str(DOCS / "admin-devices.png"))
    kiosk = page.context.new_page()
    kiosk.goto(link.inner_text())
    expect(kiosk.locator('.tile[data-code="XD"]')).to_be_visible()

    page.click("#tabs button[data-tab=fields]")
    form = page.locator("#field-form")
    form.locator("input[name=code]").fill("TP")
    form.locator("input[name=name]").fill("Tư pháp")
    form.locator("button[type=submit]").click()
    expect(kiosk.locator('.tile[data-code="TP"]')).to_be_visible()  # no reload

    page.click("#tabs button[data-tab=devices]")
    form = page.locator("#device-form")
    form.locator("select[name=kind]").select_option("display")
    form.locator("input[name=name]").fill("Màn hình thử")
    form.locator("button[type=submit]").click()
    expect(page.locator("#pair-link")).to_contain_text("/display?token=")
    screen = page.context.new_page()
    screen.goto(page.locator("#pair-link").inner_text())
    expect(screen.locator("#offline")).to_be_hidden()
    page.once("dialog", lambda dialog: dialog.accept())
    row = page.locator("#devices tbody tr", has_text="Màn hình thử")
    row.locator("button").click()
    expect(page.locator("#devices tbody")).not_to_contain_text("Màn hình thử")
    expect(screen.locator("#offline")).to_be_visible(timeout=5000)  # dropped from the hall


def test_a_manager_reads_only(hall: tuple[Server, World], page: Any) -> None:
    server, _ = hall
    page.goto(server.url + "/counter/login?next=/admin")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#fields tbody").first).to_contain_text("Hộ tịch")
    expect(page.locator("#field-form")).to_be_hidden()
    page.click("#tabs button[data-tab=audit]")
    page.click("#audit-form button[type=submit]")
    expect(page.locator("#audit tbody")).to_contain_text("login")


def test_import_fields_with_a_bad_row(hall: tuple[Server, World], page: Any,
                                      tmp_path: Path) -> None:
    server, _ = hall
    log_in_as_admin(page, server)
    bad = tmp_path / "linh-vuc.csv"
    bad.write_text("Mã,Tên,Chờ mục tiêu (phút)\nTP,Tư pháp,20\nHT,Hộ tịch trùng,15\n",
                   encoding="utf-8")
    page.set_input_files("#import-form input[name=file]", str(bad))
    page.click("#import-form button[type=submit]")
    bad_row = page.locator("#import-preview tr.bad")
    expect(bad_row).to_contain_text("mã HT đã có ở trung tâm")
    expect(page.locator("#import-save")).to_be_disabled()
    if os.environ.get("HALL_SCREENSHOTS"):
        page.screenshot(path=str(DOCS / "admin-import.png"))
    fields = page.locator("#fields table:not(#import-preview) tbody")
    expect(fields).not_to_contain_text("Tư pháp")  # nothing saved
    good = tmp_path / "linh-vuc-2.csv"
    good.write_text("Mã,Tên,Chờ mục tiêu (phút)\nTP,Tư pháp,20\n", encoding="utf-8")
    page.set_input_files("#import-form input[name=file]", str(good))
    page.click("#import-form button[type=submit]")
    expect(page.locator("#import-save")).to_be_enabled()
    page.click("#import-save")
    expect(fields).to_contain_text("Tư pháp")


def test_centre_settings_from_the_browser(hall: tuple[Server, World], page: Any) -> None:
    server, world = hall
    log_in_as_admin(page, server)
    page.click("#tabs button[data-tab=centre]")
    form = page.locator("#centre-form")
    expect(form.locator("input[name=name]")).not_to_have_value("")
    form.locator("input[name=name]").fill("Bộ phận Một cửa phường Dịch Vọng")
    form.locator("input[name=always]").uncheck()
    for day in range(5):
        form.locator(f"input[name=day{day}]").fill("07:30-11:30, 13:30-17:00")
    form.locator("input[name=day5]").fill("07:30-11:30")
    form.locator("input[name=ticker]").fill("Chào mừng quý khách")
    form.locator("button[type=submit]").click()
    expect(page.locator("#message")).to_contain_text("Đã lưu")
    centre = server.api("GET", "/centre", world.tokens["admin"]).json()
    assert centre["name"] == "Bộ phận Một cửa phường Dịch Vọng"
    assert centre["opening_hours"]["0"] == [["07:30", "11:30"], ["13:30", "17:00"]]
    assert "6" not in centre["opening_hours"]  # Sunday: closed
    assert server.api("GET", "/centre/display", world.tokens["display"]).json()["ticker"] == \
        "Chào mừng quý khách"


def test_a_province_admin_picks_the_centre(tmp_path: Path, page: Any) -> None:
    from hall.engine import admin
    from hall.models import Centre
    from hall.models import Field
    from hall.store.db import session_scope

    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    app = make_app(url)
    build_world(app, Clock().now)
    build_world(app, Clock().now, "C2")
    with session_scope(app, writing=True) as session:
        home = session.query(Centre).filter_by(code="default").one()
        admin.add_user(session, home, "so-noi-vu", "admin", PASSWORD, Clock().now,
                       all_centres=True)
        c2 = session.query(Centre).filter_by(code="C2").one()
        session.query(Field).filter_by(centre_id=c2.id, code="HT").update({"name": "Hộ tịch xã C2"})
        session.commit()
    app.extensions["hall.engine"].dispose()
    with Server(url) as server:
        page.goto(server.url + "/counter/login?next=/admin")
        page.fill("input[name=username]", "so-noi-vu")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        fields = page.locator("#fields tbody").first
        expect(fields).to_contain_text("Hộ tịch")
        expect(fields).not_to_contain_text("Hộ tịch xã C2")
        expect(page.locator("#centre-pick option")).to_have_count(2)
        page.select_option("#centre-pick", "C2")
        expect(fields).to_contain_text("Hộ tịch xã C2")
