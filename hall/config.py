"""Defaults; the environment (HALL_*) and test_config override them."""

from __future__ import annotations

import os
import secrets
import time
from typing import Any

from flask import Flask


def sqlite_url(app: Flask) -> str:
    """The embedded default: a SQLite file in the instance folder."""
    return "sqlite:///" + os.path.join(app.instance_path, "hall.sqlite")


def instance_secret(app: Flask) -> str:
    """A random key kept in the instance folder (mode 0600), made on first start, so sessions
    survive restarts. Several machines behind one address must share HALL_SECRET_KEY instead."""
    os.makedirs(app.instance_path, exist_ok=True)
    path = os.path.join(app.instance_path, "secret_key")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process may be writing it this very moment
            with open(path, encoding="ascii") as existing:
                if key := existing.read().strip():
                    return key
            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty: delete it or set HALL_SECRET_KEY") from None
    key = secrets.token_urlsafe(48)
    with os.fdopen(descriptor, "w", encoding="ascii") as created:
        created.write(key)
    return key


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill app.config from defaults, then HALL_* variables, then test_config."""
    app.config.from_mapping(
        SECRET_KEY=None,
        DATABASE_URL=None,
        REDIS_URL=None,
        SOCKETIO_CHANNEL="hall",
        TIMEZONE="Asia/Ho_Chi_Minh",
        ASYNC_MODE=None,
        SQLITE_BUSY_TIMEOUT_S=15,
        DATABASE_POOL_SIZE=10,
        MAX_CONTENT_LENGTH=64 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.config.from_prefixed_env("HALL")
    if test_config:
        app.config.update(test_config)
    if str(app.config["SECRET_KEY"] or "").lower().startswith("change-me"):
        raise RuntimeError("HALL_SECRET_KEY is still the example's placeholder: set a long random "
                           "string, or leave it empty for a key kept in the instance folder")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(app)
    if not app.config["DATABASE_URL"]:
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["DATABASE_URL"] = sqlite_url(app)
