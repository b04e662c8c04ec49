"""Where a person lands: the start page, a ticket of an earlier day, errors as pages for
browsers (the API keeps JSON), the favicon."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Clock
from tests.factories import World
from tests.factories import issue

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_the_start_page(client: FlaskClient) -> None:
    page = client.get("/", headers=HTML)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    for link in ("/counter", "/display", "/kiosk"):
        assert f'href="{link}"' in text
    assert "Bàn làm việc của quầy" in text and 'lang="vi"' in text
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"


def test_errors_are_pages_for_browsers_and_json_for_programs(client: FlaskClient) -> None:
    page = client.get("/nowhere", headers=HTML)
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Không tìm thấy trang này" in page.get_data(as_text=True)
    assert client.get("/nowhere", headers={"Accept": "application/json"}).get_json()["error"]
    api = client.get("/api/v1/nowhere", headers=HTML)  # the API answers JSON to everyone
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"


def test_a_crash_shows_a_calm_page(app: Flask, client: FlaskClient,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import kiosk.routes

    def broken(_token: str) -> Any:
        raise RuntimeError("boom: a secret detail")

    monkeypatch.setattr(kiosk.routes, "_tracked", broken)
    page = client.get("/t/AbCdEf123", headers=HTML)
    text = page.get_data(as_text=True)
    assert page.status_code == 500 and "Hệ thống gặp lỗi" in text
    assert "boom" not in text and "Traceback" not in text


def test_a_ticket_of_an_earlier_day(client: FlaskClient, world: World, clock: Clock) -> None:
    ticket = issue(client, world, "HT")
    today = client.get(ticket["track_url"], headers=HTML)
    assert today.status_code == 200 and ticket["number"] in today.get_data(as_text=True)
    clock.advance(24 * 3600)
    page = client.get(ticket["track_url"], headers=HTML)
    text = page.get_data(as_text=True)
    assert page.status_code == 410 and "Số này không còn hiệu lực" in text
    assert "lấy số mới" in text and ticket["number"] not in text
    data = client.get(ticket["track_url"] + ".json")
    assert data.status_code == 410 and data.get_json()["error"]["code"] == "gone"
    unknown = client.get("/t/NoSuchTicketToken", headers=HTML)
    assert unknown.status_code == 404 and "Không tìm thấy" in unknown.get_data(as_text=True)
