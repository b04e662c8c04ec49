"""Fixtures: a fixed clock, an app on a real SQLite file (or PostgreSQL), a demo-sized world."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from hall import create_app
from hall.engine import auth
from hall.store import schema
from hall.store.db import session_scope
from tests.browser import chromium as chromium  # noqa: F401  (fixtures for page tests)
from tests.browser import page as page  # noqa: F401
from tests.factories import World
from tests.factories import build_world

PG_URL = os.environ.get("HALL_TEST_DATABASE_URL")
auth.PASSWORD_METHOD = "pbkdf2:sha256:1000"  # fast hashing for test users only
REDIS_URL = os.environ.get("HALL_TEST_REDIS_URL")


class Clock:
    """A clock the test moves by hand; starts 2026-03-02 09:00 in Hà Nội (02:00 UTC)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


def needs_postgres() -> str:
    if not PG_URL:
        pytest.skip("HALL_TEST_DATABASE_URL is not set: no PostgreSQL to test against")
    return PG_URL


def needs_redis() -> str:
    if not REDIS_URL:
        pytest.skip("HALL_TEST_REDIS_URL is not set: no Redis to test against")
    return REDIS_URL


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test, dropped afterwards."""
    import psycopg

    base = needs_postgres()
    name = f"hall_test_{uuid.uuid4().hex[:12]}"
    admin_url = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    head, _, _ = admin_url.rpartition("/")
    yield f"{head}/{name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def clock() -> Clock:
    return Clock()


TEST_VOICE_CACHE = os.path.join(tempfile.gettempdir(), "hall-test-voice")


def make_app(database_url: str, clock: Clock | None = None, **extra: Any) -> Flask:
    """An app on `database_url` with the schema at head and the default centre."""
    config: dict[str, Any] = {"TESTING": True, "DATABASE_URL": database_url,
                              "ASYNC_MODE": "threading", "CLOCK": clock, "SECRET_KEY": "test-secret",
                              "CHECK_RESPONSES": True,  # answers match the OpenAPI document
                              "VOICE_CACHE": TEST_VOICE_CACHE,
                              # many tickets a minute per kiosk; tests/test_limits.py sets its own
                              "ISSUE_LIMIT": "100000 per second",
                              # the fake printers listen on any port of this machine
                              "PRINTERS": "network://127.0.0.1", **extra}
    app = create_app(config)
    schema.upgrade(app.extensions["hall.engine"])
    with session_scope(app, writing=True) as session:
        schema.ensure_default_centre(session, "Asia/Ho_Chi_Minh")
        session.commit()
    return app


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: Any) -> Any:
    """A SQLite file migrated to head once; each test copies it."""
    path = tmp_path_factory.mktemp("template") / "hall.sqlite"
    make_app(f"sqlite:///{path}").extensions["hall.engine"].dispose()
    return path


@pytest.fixture
def sqlite_url(tmp_path: Any, sqlite_template: Any) -> str:
    target = tmp_path / "hall.sqlite"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def app(sqlite_url: str, clock: Clock) -> Iterator[Flask]:
    app = make_app(sqlite_url, clock)
    yield app
    app.extensions["hall.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with session_scope(app) as session:
        yield session


@pytest.fixture
def world(app: Flask, clock: Clock) -> World:
    return build_world(app, clock.now)
