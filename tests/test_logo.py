"""The centre's logo: an admin uploads it (PNG, JPEG or WebP, checked and re-encoded as a PNG
within 600 × 600, never an SVG), the /logo route serves it cached for good at each version's
address, the kiosk, the hall display and the tracking page show it only when there is one, and
the printed ticket carries it at the top, dithered (also through a kiosk PC's print agent)."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from PIL import ImageDraw
from PIL import PngImagePlugin
from playwright.sync_api import expect

from hall.engine import admin
from hall.engine import print_jobs
from hall.engine.errors import Invalid
from hall.models import Centre
from hall.models import PrintJob
from hall.store.db import session_scope
from hall.web import print_worker
from hall.web.sockets import socketio
from printer.ticket import TicketDescription
from printer.ticket import render
from printer.ticket import ticket_logo
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import PASSWORD
from tests.factories import World
from tests.factories import build_world
from tests.factories import issue
from tests.servers import Server
from tests.servers import serving_worlds
from tests.test_admin_api import audited
from tests.test_admin_api import heard
from tests.test_admin_api import refused
from tests.test_admin_api import rows
from tests.test_api import check_error
from tests.test_device_cookie import _pair

IMMUTABLE = "public, max-age=31536000, immutable"
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
       b'<script>alert(document.cookie)</script><rect width="100" height="100"/></svg>')


def picture(size: tuple[int, int] = (1200, 400), fmt: str = "PNG", **options: Any) -> bytes:
    """A logo-like picture made here: a dark disc and bar on a transparent (or white) ground."""
    mode = "RGBA" if fmt != "JPEG" else "RGB"
    image = Image.new(mode, size, (255, 255, 255, 0) if mode == "RGBA" else "white")
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w // 20, h // 10, w // 20 + h * 8 // 10, h * 9 // 10), fill=(180, 20, 20))
    draw.rectangle((w // 2, h // 3, w * 9 // 10, h * 2 // 3), fill=(10, 30, 90))
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def put_logo(client: FlaskClient, world: World, who: str, data: bytes,
             content_type: str = "image/png", **headers: str) -> Any:
    return client.put("/api/v1/centre/logo", data=data,
                      headers=world.headers(who, **{"Content-Type": content_type, **headers}))


def logo_url(client: FlaskClient, world: World, who: str = "manager", **headers: str) -> Any:
    answer = client.get("/api/v1/centre", headers=world.headers(who, **headers))
    assert answer.status_code == 200
    return answer.get_json()["logo_url"]


def served(client: FlaskClient, url: str) -> Image.Image:
    answer = client.get(url)
    assert answer.status_code == 200 and answer.mimetype == "image/png"
    image = Image.open(io.BytesIO(answer.get_data()))
    assert image.format == "PNG"
    return image


def test_a_png_uploaded_is_served_re_encoded_and_cached_for_good(client: FlaskClient,
                                                                 world: World) -> None:
    assert logo_url(client, world) is None
    assert client.get("/logo/default.png").status_code == 404
    meta = PngImagePlugin.PngInfo()
    meta.add_text("Author", "someone@example.com")
    answer = put_logo(client, world, "admin", picture((1200, 400), pnginfo=meta))
    assert answer.status_code == 200, answer.get_json()
    url = answer.get_json()["logo_url"]
    assert url == "/logo/default.png?v=1" and logo_url(client, world) == url
    page = client.get(url)
    assert page.status_code == 200 and page.mimetype == "image/png"
    assert page.headers["Cache-Control"] == IMMUTABLE
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(page.get_data()))
    assert image.format == "PNG" and image.mode == "RGBA" and image.size == (600, 200)
    assert "Author" not in image.info and "exif" not in image.info  # metadata dropped
    assert image.getpixel((0, 0))[3] == 0  # the transparent ground stays transparent
    for stale in ("/logo/default.png", "/logo/default.png?v=0"):  # not this version's address
        old = client.get(stale)
        assert old.status_code == 200 and old.headers["Cache-Control"] == "public, max-age=60"
    assert client.get("/logo/nowhere.png?v=1").status_code == 404
    [entry] = audited(client, world, "set_logo")
    assert entry["username"] == "admin" and entry["detail"] == {}  # never the picture


def test_jpeg_and_webp_become_png_and_a_small_one_stays_small(client: FlaskClient,
                                                              world: World) -> None:
    jpeg = put_logo(client, world, "admin", picture((2000, 1000), "JPEG", quality=90),
                    "image/jpeg")
    assert jpeg.status_code == 200 and jpeg.get_json()["logo_url"].endswith("?v=1")
    image = served(client, jpeg.get_json()["logo_url"])
    assert image.mode == "RGBA" and image.size == (600, 300)
    webp = put_logo(client, world, "admin", picture((80, 120), "WEBP"), "image/webp")
    assert webp.status_code == 200 and webp.get_json()["logo_url"].endswith("?v=2")
    assert served(client, webp.get_json()["logo_url"]).size == (80, 120)  # never enlarged


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG file whose header claims a huge picture (a decompression bomb's start)."""
    data = picture((4, 4))
    body = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    chunk = struct.pack(">I", 13) + b"IHDR" + body + struct.pack(">I", zlib.crc32(b"IHDR" + body))
    return data[:8] + chunk + data[8 + len(chunk):]


def test_anything_but_a_fair_picture_is_refused_and_changes_nothing(
        app: Flask, client: FlaskClient, world: World) -> None:
    url = put_logo(client, world, "admin", picture()).get_json()["logo_url"]
    before, stored = client.get(url).get_data(), rows(app)
    png = picture()
    bad = [
        (SVG, "image/svg+xml"),  # never an SVG, whatever it says it is
        (SVG, "image/png"),
        (b"<?xml version='1.0'?>" + SVG, "image/webp"),
        ("Biểu trưng của trung tâm\n".encode(), "image/png"),  # a text file
        (png[: len(png) // 2], "image/png"),  # truncated
        (b"", "image/png"),
        (picture((4001, 10)), "image/png"),  # larger than 4000 × 4000
        (picture((10, 4001), "JPEG"), "image/jpeg"),
        (png_claiming(50_000, 50_000), "image/png"),  # a bomb: refused before decoding
        (png_claiming(9_000, 9_000), "image/png"),
        (picture((100, 100), "GIF"), "image/png"),  # a real picture, but not one we take
        (picture((100, 100), "BMP"), "image/png"),
        (png, "text/plain"),
    ]
    for data, content_type in bad:
        refused(app, put_logo(client, world, "admin", data, content_type), stored, 400,
                "invalid_image")  # no row changed, none added (not even to the audit log)
    assert logo_url(client, world) == url and client.get(url).get_data() == before
    assert put_logo(client, world, "admin", png_claiming(9_000, 9_000)).get_json()[
        "error"]["message"] == "Ảnh lớn quá 4000 × 4000 điểm ảnh"
    english = put_logo(client, world, "admin", SVG, "image/svg+xml", **{"Accept-Language": "en"})
    assert english.get_json()["error"]["code"] == "invalid_image"
    huge = put_logo(client, world, "admin", b"\x89PNG" + b"\0" * (2 * 1024 * 1024))
    refused(app, huge, stored, 413, "too_large")  # more than 2 MB: not even read
    with pytest.raises(Invalid) as error:
        admin.logo_png(b"\x89PNG" + b"\0" * (2 * 1024 * 1024))
    assert error.value.code == "invalid_image"
    assert len(audited(client, world, "set_logo")) == 1


def test_only_the_centres_admin_changes_it(app: Flask, client: FlaskClient, world: World,
                                           clock: Clock) -> None:
    other = build_world(app, clock.now, "C2")
    for who in ("officer1", "manager", "kiosk", "display"):
        check_error(put_logo(client, world, who, picture()), 403, "forbidden")
        check_error(client.delete("/api/v1/centre/logo", headers=world.headers(who)), 403,
                    "forbidden")
    check_error(put_logo(client, other, "admin", picture(), **{"X-Hall-Centre": "default"}), 403)
    assert logo_url(client, world) is None
    mine = put_logo(client, other, "admin", picture())  # C2's admin changes C2's logo only
    assert mine.status_code == 200 and mine.get_json()["logo_url"] == "/logo/C2.png?v=1"
    assert logo_url(client, world) is None and client.get("/logo/default.png").status_code == 404
    assert client.get("/logo/C2.png?v=1").status_code == 200
    assert client.get("/api/v1/centre", headers=world.headers("manager")).get_json()[
        "logo_url"] is None


def test_removed_and_heard_by_the_kiosks(app: Flask, client: FlaskClient, world: World) -> None:
    kiosk = socketio.test_client(app, auth={"token": world.tokens["kiosk"]})
    kiosk.get_received()
    url = put_logo(client, world, "admin", picture()).get_json()["logo_url"]
    assert heard(kiosk, "fields.changed")  # as after PATCH /centre
    kiosk.get_received()
    gone = client.delete("/api/v1/centre/logo", headers=world.headers("admin"))
    assert gone.status_code == 204 and gone.get_data() == b""
    assert heard(kiosk, "fields.changed")
    kiosk.disconnect()
    assert logo_url(client, world) is None
    assert client.get(url).status_code == 404
    again = put_logo(client, world, "admin", picture()).get_json()["logo_url"]
    assert again == "/logo/default.png?v=3"  # a new address: no browser shows the old one
    assert client.delete("/api/v1/centre/logo", headers=world.headers("admin")).status_code == 204
    assert client.delete("/api/v1/centre/logo", headers=world.headers("admin")).status_code == 204
    assert [e["action"] for e in audited(client, world, "delete_logo")] == ["delete_logo"] * 3


def test_the_pages_show_it_only_when_there_is_one(app: Flask, client: FlaskClient,
                                                  world: World) -> None:
    kiosk, display = app.test_client(), app.test_client()
    _pair(kiosk, "/kiosk", world.tokens["kiosk"])
    _pair(display, "/display", world.tokens["display"])
    track = issue(client, world)["track_url"]
    pages = [(kiosk, "/kiosk"), (display, "/display"), (client, track)]
    for browser, path in pages:
        html = browser.get(path).get_data(as_text=True)
        assert 'class="logo"' not in html and "/logo/" not in html, path
    url = put_logo(client, world, "admin", picture()).get_json()["logo_url"]
    for browser, path in pages:
        html = browser.get(path).get_data(as_text=True)
        assert f'<img class="logo" src="{url}" alt="">' in html, path
    kiosk_html = kiosk.get("/kiosk").get_data(as_text=True)
    assert kiosk_html.index('class="logo"') < kiosk_html.index('<h1 id="centre">')


def ticket(**changes: Any) -> TicketDescription:
    fields: dict[str, Any] = dict(
        centre="Trung tâm Phục vụ hành chính công phường Bến Thành", field="Hộ tịch",
        number="A023", issued_at="09:05 02/03/2026", waiting_ahead=4, estimated_wait_min=9,
        track_url="http://192.168.1.10:5000/t/4PCxkyuZzK_RVfLE7dMywtz-")
    fields.update(changes)
    return TicketDescription(**fields)


def test_the_printed_ticket_carries_the_logo_at_the_top() -> None:
    square = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    ImageDraw.Draw(square).rectangle((100, 100, 499, 499), fill=(0, 0, 0, 255))
    stored = admin.logo_png(_bytes(square))
    sent = ticket_logo(stored)
    assert len(sent) < 5000 and Image.open(io.BytesIO(sent)).size == (230, 230)
    for width in (576, 384):
        plain, marked = render(ticket(width=width)), render(ticket(width=width, logo_png=sent))
        assert marked.mode == "1" and marked.width == width
        box = round(width * 0.4)
        assert marked.height >= plain.height + box
        # the dark square is the middle half of the logo: black in the rows under the top margin
        band = marked.crop((width // 2 - box // 5, 12 + box // 3, width // 2 + box // 5,
                            12 + box * 2 // 3))
        assert band.convert("L").histogram()[0] > 0.98 * band.width * band.height
        assert marked.crop((0, 0, width, 12)).convert("L").histogram()[0] == 0  # paper above
    grey = ticket_logo(admin.logo_png(_bytes(Image.new("RGB", (300, 300), (128, 128, 128)))))
    top = render(ticket(logo_png=grey)).crop((200, 40, 376, 200)).convert("L").histogram()
    assert 0.3 < top[0] / (top[0] + top[255]) < 0.7  # a mid grey dithered, not a black block
    broken = render(ticket(logo_png=b"\x89PNG not a picture"))  # printed without it
    assert broken.size == render(ticket()).size


def _bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_print_jobs_carry_a_small_logo_and_the_agent_gets_it_beside_the_ticket(
        app: Flask, client: FlaskClient, world: World, clock: Clock) -> None:
    device = client.post("/api/v1/devices", headers=world.headers("admin"), json={
        "kind": "kiosk", "name": "Ki-ốt in qua máy tính", "printer": "agent"}).get_json()
    agent_world = World(tokens={"kiosk": device["token"]})  # its tickets are printed by an agent
    first = issue(client, agent_world, "HT")["print"]["job"]
    with session_scope(app) as session:
        without = print_worker._agent_job(session, session.get_one(PrintJob, first), clock.now)
        assert "logo_png" not in without and "logo_png" not in without["ticket"]
    put_logo(client, world, "admin", picture())
    second = issue(client, agent_world, "HT")["print"]["job"]
    with session_scope(app) as session:
        centre = session.query(Centre).filter_by(code="default").one()
        assert centre.logo is not None
        job = session.get_one(PrintJob, second)
        described = print_jobs.describe(session, job, 576, clock.now)
        assert described.logo_png == ticket_logo(centre.logo)
        payload = print_worker._agent_job(session, job, clock.now)
    assert "logo_png" not in payload["ticket"]  # an older agent still prints the rest
    logo = base64.b64decode(payload["logo_png"])
    assert logo == described.logo_png and len(payload["logo_png"]) < 20_000
    assert max(Image.open(io.BytesIO(logo)).size) <= 230
    # the agent's side: the ticket drawn from the payload has the logo at the top
    drawn = render(TicketDescription(**{**payload["ticket"], "width": 384, "logo_png": logo}))
    assert drawn.height > render(TicketDescription(**{**payload["ticket"], "width": 384})).height


@pytest.mark.postgres
def test_on_postgres(pg_url: str) -> None:
    app = make_app(pg_url, Clock())
    try:
        world = build_world(app, Clock().now)
        client = app.test_client()
        url = put_logo(client, world, "admin", picture((900, 900), "JPEG"), "image/jpeg"
                       ).get_json()["logo_url"]
        assert url == "/logo/default.png?v=1"
        assert served(client, url).size == (600, 600)
        assert client.get(url).headers["Cache-Control"] == IMMUTABLE
        check_error(put_logo(client, world, "admin", picture((4001, 4))), 400, "invalid_image")
        assert client.delete("/api/v1/centre/logo", headers=world.headers("admin")).status_code == 204
        assert client.get(url).status_code == 404 and logo_url(client, world) is None
        with session_scope(app) as session:
            assert session.query(Centre).filter_by(code="default").one().logo_version == 2
    finally:
        app.extensions["hall.engine"].dispose()


def test_a_real_server_decodes_off_the_hub(tmp_path: Path) -> None:
    """Under gevent, with strict transactions: the picture is decoded with no transaction (nor
    SQLite's write gate) held, in a thread of its own."""
    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    app = make_app(url)
    token = build_world(app, Clock().now).tokens["admin"]
    app.extensions["hall.engine"].dispose()
    with Server(url, log_path=tmp_path / "server.log") as server:
        big = picture((3000, 3000))
        answer = requests.put(f"{server.url}/api/v1/centre/logo", data=big, timeout=20,
                              headers={"Authorization": f"Bearer {token}",
                                       "Content-Type": "image/png"})
        assert answer.status_code == 200, answer.text
        image = requests.get(server.url + answer.json()["logo_url"], timeout=10)
        assert image.headers["Cache-Control"] == IMMUTABLE
        assert Image.open(io.BytesIO(image.content)).size == (600, 600)
        bad = requests.put(f"{server.url}/api/v1/centre/logo", data=SVG, timeout=10,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "image/png"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_image"
    assert "held across a greenlet switch" not in server.log(), server.log()


def test_the_admin_page_uploads_shows_and_removes_it(tmp_path: Path, page: Any) -> None:
    logo = tmp_path / "bieu-trung.png"
    logo.write_bytes(picture((800, 400)))
    text = tmp_path / "ghi-chu.png"
    text.write_text("không phải ảnh", encoding="utf-8")
    with serving_worlds(tmp_path) as (server, _worlds, _):
        _log_in(page, server, "admin")
        page.click("#tabs button[data-tab=centre]")
        expect(page.locator("#logo-none")).to_be_visible()
        expect(page.locator("#logo-remove")).to_be_hidden()
        page.set_input_files("#logo-form input[name=file]", str(text))
        page.click("#logo-form button[type=submit]")
        expect(page.locator("#message")).to_contain_text("Tệp không phải ảnh PNG, JPEG hoặc WebP")
        page.set_input_files("#logo-form input[name=file]", str(logo))
        page.click("#logo-form button[type=submit]")
        expect(page.locator("#message")).to_contain_text("Đã lưu biểu trưng")
        expect(page.locator("#logo-none")).to_be_hidden()
        page.wait_for_function("() => document.getElementById('logo-current').naturalWidth === 600")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#logo-remove")
        expect(page.locator("#logo-none")).to_be_visible()
        expect(page.locator("#logo-current")).to_be_hidden()
        page.set_input_files("#logo-form input[name=file]", str(logo))
        page.click("#logo-form button[type=submit]")
        expect(page.locator("#logo-current")).to_be_visible()
        page.context.clear_cookies()
        _log_in(page, server, "manager")  # a manager sees it, and no button
        page.click("#tabs button[data-tab=centre]")
        expect(page.locator("#logo-current")).to_be_visible()
        page.wait_for_function("() => document.getElementById('logo-current').naturalWidth > 0")
        for hidden in ("#logo-remove", "#logo-form button[type=submit]",
                       "#logo-form input[name=file]"):
            expect(page.locator(hidden)).to_be_hidden()


def _log_in(page: Any, server: Server, username: str) -> None:
    page.goto(server.url + "/counter/login?next=/admin")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(server.url + "/admin")
