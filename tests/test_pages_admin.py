"""The administration page in Chromium against a real server: an admin adds a field and a
counter, pairs a kiosk by the link and QR code the page shows once, and the kiosk shows a new
field without a reload; revoking a display drops it from the list and from the hall; a field
without history is deleted and a counter's fields reordered, its console and the hall's
screens hearing it at once; the centre's priority groups and voice are set."""

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
from tests.listener import Listener
from tests.listener import close_all
from tests.servers import Server
from tests.servers import serving_worlds

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[tuple[Server, World]]:
    with serving_worlds(tmp_path) as (server, worlds, _):
        yield server, worlds[0]


class AdminListener(Listener):
    """A real Socket.IO client that also records what the administration announces."""

    EVENTS = (*Listener.EVENTS, "counter.updated", "fields.changed")


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
    expect(form.locator("input[name=priority_categories][value=pregnant]")).to_be_checked()
    form.locator("input[name=priority_categories][value=pregnant]").uncheck()
    form.locator("select[name=rating_scale]").select_option("4")
    expect(form.locator("select[name=voice]")).to_have_value("server")
    form.locator("select[name=voice]").select_option("browser")
    form.locator("select[name=call_languages]").select_option("vi,en")
    form.locator("input[name=call_repeat]").fill("2")
    form.locator("input[name=digit_by_digit]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("#message")).to_contain_text("Đã lưu")
    centre = server.api("GET", "/centre", world.tokens["admin"]).json()
    assert centre["name"] == "Bộ phận Một cửa phường Dịch Vọng"
    assert centre["opening_hours"]["0"] == [["07:30", "11:30"], ["13:30", "17:00"]]
    assert "6" not in centre["opening_hours"]  # Sunday: closed
    assert centre["priority_categories"] == ["elderly", "disabled", "merit"]
    assert centre["rating_scale"] == 4
    shown = server.api("GET", "/centre/display", world.tokens["display"]).json()
    assert shown["ticker"] == "Chào mừng quý khách"
    assert (shown["voice"], shown["call_languages"], shown["call_repeat"], shown["digit_by_digit"]) == \
        ("browser", ["vi", "en"], 2, True)
    page.reload()  # the form shows what is stored
    page.click("#tabs button[data-tab=centre]")
    expect(form.locator("select[name=call_languages]")).to_have_value("vi,en")
    expect(form.locator("input[name=priority_categories][value=pregnant]")).not_to_be_checked()
    expect(form.locator("input[name=priority_categories][value=merit]")).to_be_checked()


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


def test_delete_a_field_and_edit_a_counter(hall: tuple[Server, World], page: Any) -> None:
    server, world = hall
    admin = world.tokens["admin"]
    assert server.api("POST", "/fields", admin, json={"code": "XD", "name": "Xây dựng"}).status_code == 201
    assert server.api("POST", "/tickets", world.tokens["kiosk"], json={"field": "CT"}).status_code == 201
    assert server.api("POST", "/counters/1/open", world.tokens["officer1"]).status_code == 200
    console = AdminListener(server.url, world.tokens["officer1"])  # holds counter 1, as its console
    screen = AdminListener(server.url, world.tokens["display"])
    try:
        log_in_as_admin(page, server)
        fields = page.locator("#fields tbody").first
        expect(fields.locator('tr[data-key="XD"]')).to_contain_text("Xây dựng")
        page.once("dialog", lambda dialog: dialog.accept())
        fields.locator('tr[data-key="XD"] button[data-action=delete]').click()
        expect(page.locator("#message")).to_contain_text("Đã xóa lĩnh vực XD")
        expect(fields).not_to_contain_text("Xây dựng")
        screen.wait_for("fields.changed")
        codes = [f["code"] for f in server.api("GET", "/fields", admin).json()]
        assert codes == ["HT", "CT", "DD"]
        # a field with a ticket is refused with the API's reason, and stays
        page.once("dialog", lambda dialog: dialog.accept())
        fields.locator('tr[data-key="CT"] button[data-action=delete]').click()
        expect(page.locator("#message")).to_contain_text("hãy đóng lĩnh vực")
        expect(fields.locator('tr[data-key="CT"]')).to_be_visible()

        page.click("#tabs button[data-tab=counters]")
        page.locator('#counters tbody tr[data-key="1"] button[data-action=edit]').click()
        editor = page.locator("#counter-edit")
        expect(editor).to_be_visible()
        items = editor.locator("#counter-edit-fields li")
        expect(items).to_have_count(3)
        assert [items.nth(i).get_attribute("data-code") for i in range(3)] == ["HT", "CT", "DD"]
        editor.locator("input[name=name]").fill("Quầy Đất đai")
        editor.locator('li[data-code="DD"] input').check()
        editor.locator('li[data-code="CT"] input').uncheck()
        editor.locator('li[data-code="DD"] button[data-action=up]').click()
        editor.locator('li[data-code="DD"] button[data-action=up]').click()
        expect(editor.locator('li[data-code="DD"] .rank')).to_have_text("1")
        expect(editor.locator('li[data-code="HT"] .rank')).to_have_text("2")
        expect(editor.locator('li[data-code="CT"] .rank')).to_have_text("")
        editor.locator("button[type=submit]").click()
        expect(editor).to_be_hidden()
        row = page.locator('#counters tbody tr[data-key="1"]')
        expect(row).to_contain_text("DD, HT")
        expect(row).to_contain_text("Quầy Đất đai")
        counter = next(c for c in server.api("GET", "/queue", admin).json()["counters"] if c["number"] == 1)
        assert (counter["name"], counter["fields"]) == ("Quầy Đất đai", ["DD", "HT"])
        for listener in (console, screen):  # the console and the hall hear it, live
            heard = listener.wait_for("counter.updated")
            assert heard[-1]["counter"]["fields"] == ["DD", "HT"]
        assert len(console.events("counter.updated")) == 2  # its centre's room and its own

        # a counter added and never used goes
        server.api("POST", "/counters", admin, json={"number": 9, "fields": ["HT"]})
        page.click("#tabs button[data-tab=fields]")
        page.click("#tabs button[data-tab=counters]")
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator('#counters tbody tr[data-key="9"] button[data-action=delete]').click()
        expect(page.locator("#message")).to_contain_text("Đã xóa quầy 9")
        expect(page.locator('#counters tbody tr[data-key="9"]')).to_have_count(0)
    finally:
        close_all([console, screen])
