"""Rate limits: ticket issue per token, login per username and per address, token creation;
429 with Retry-After and the error body, nothing done; a kiosk page waits calmly and gets its
number with the same key once the window allows; Redis shares the counts between processes."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import func
from sqlalchemy import select

from hall.models import Ticket
from hall.store.db import session_scope
from tests.conftest import Clock
from tests.conftest import make_app
from tests.conftest import needs_redis
from tests.factories import PASSWORD
from tests.factories import World
from tests.factories import build_world
from tests.servers import Server
from tests.test_api import check_error

LIMITS = {"ISSUE_LIMIT": "3 per minute", "LOGIN_LIMIT_USER": "3 per minute",
          "LOGIN_LIMIT_ADDRESS": "5 per minute", "TOKEN_LIMIT": "2 per hour"}


@pytest.fixture
def limited(sqlite_url: str, clock: Clock) -> Any:
    app = make_app(sqlite_url, clock, **LIMITS)
    world = build_world(app, clock.now)
    yield app, world
    app.extensions["hall.engine"].dispose()


def _count(app: Flask) -> int:
    with session_scope(app) as session:
        return int(session.scalar(select(func.count(Ticket.id))) or 0)


def test_issue_per_token(limited: tuple[Flask, World]) -> None:
    app, world = limited
    client = app.test_client()
    for _ in range(3):
        answer = client.post("/api/v1/tickets", json={"field": "HT"}, headers=world.headers("kiosk"))
        assert answer.status_code == 201
    refused = client.post("/api/v1/tickets", json={"field": "HT"}, headers=world.headers("kiosk"))
    check_error(refused, 429, "too_many_requests")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert _count(app) == 3  # nothing issued
    # another token has its own count
    other = client.post("/api/v1/tickets", json={"field": "HT"}, headers=world.headers("officer1"))
    assert other.status_code == 201


def test_token_creation(limited: tuple[Flask, World]) -> None:
    app, world = limited
    client = app.test_client()
    made = [client.post("/api/v1/users/officer2/tokens", headers=world.headers("admin"))
            for _ in range(3)]
    assert [answer.status_code for answer in made] == [201, 201, 429]
    assert "Retry-After" in made[2].headers


def _login(client: Any, username: str, password: str, address: str = "10.0.0.1") -> Any:
    page = client.get("/counter/login", environ_base={"REMOTE_ADDR": address})
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True))
    assert csrf
    return client.post("/counter/login", environ_base={"REMOTE_ADDR": address},
                       data={"username": username, "password": password, "csrf": csrf.group(1)})


def test_login_per_username_and_per_address(limited: tuple[Flask, World]) -> None:
    app, _ = limited
    client = app.test_client()
    answers = [_login(client, "officer1", "sai-mật-khẩu") for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 401]
    blocked = _login(client, "officer1", PASSWORD)  # even the right password waits now
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    assert "thử lại sau" in blocked.get_data(as_text=True)
    assert 'value="officer1"' in blocked.get_data(as_text=True)
    assert _login(app.test_client(), "officer2", PASSWORD, "10.0.0.2").status_code == 302
    # one address trying many usernames is stopped too
    spray = [_login(app.test_client(), f"ai-{n}", "x" * 8, "10.0.0.3") for n in range(6)]
    assert [a.status_code for a in spray] == [401] * 5 + [429]


def test_the_kiosk_waits_calmly_and_gets_its_number(tmp_path: Path, page: Any) -> None:
    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    app = make_app(url)
    world = build_world(app, Clock().now)
    app.extensions["hall.engine"].dispose()
    with Server(url, env={"HALL_ISSUE_LIMIT": "1 per 3 seconds"}) as server:
        page.goto(f"{server.url}/kiosk?token={world.tokens['kiosk']}")
        page.locator('.tile[data-code="HT"]').click()
        expect(page.locator("#confirm")).to_be_visible()
        page.locator("#done").click()
        page.locator('.tile[data-code="HT"]').click()  # within the window: 429, then a retry
        expect(page.locator("#message")).to_contain_text("xin chờ giây lát")
        expect(page.locator("#confirm")).to_be_visible(timeout=10000)
        tickets = server.api("GET", "/queue", world.tokens["display"]).json()["fields"]
        assert next(f["waiting"] for f in tickets if f["code"] == "HT") == 2  # one per tap


def test_redis_shares_the_counts(sqlite_url: str, clock: Clock) -> None:
    """Two apps, each with its own limiter, as two processes would have."""
    redis_url = needs_redis()
    prefix = f"hall-test-{uuid.uuid4().hex}"  # counts of this test only
    apps = [make_app(sqlite_url, clock, REDIS_URL=redis_url, ISSUE_LIMIT="2 per minute",
                     RATELIMIT_KEY_PREFIX=prefix) for _ in range(2)]
    try:
        world = build_world(apps[0], clock.now)
        statuses = [app.test_client().post("/api/v1/tickets", json={"field": "HT"},
                                           headers=world.headers("kiosk")).status_code
                    for app in (apps[0], apps[1], apps[0], apps[1])]
        assert statuses == [201, 201, 429, 429]
    finally:
        for app in apps:
            app.extensions["hall.engine"].dispose()


def test_a_dead_redis_does_not_stop_the_kiosks(sqlite_url: str, clock: Clock) -> None:
    """The counts' store gone (Redis down): tickets are still issued, the miss is logged."""
    app = make_app(sqlite_url, clock, ISSUE_LIMIT="2 per minute",
                   RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")  # nothing listens there
    try:
        world = build_world(app, clock.now)
        client = app.test_client()
        statuses = [client.post("/api/v1/tickets", json={"field": "HT"},
                                headers=world.headers("kiosk")).status_code for _ in range(3)]
        assert statuses == [201, 201, 201]
    finally:
        app.extensions["hall.engine"].dispose()
