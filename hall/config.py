"""Defaults; the environment (HALL_*) and test_config override them."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask


def sqlite_url(app: Flask) -> str:
    """The embedded default: a SQLite file in the instance folder."""
    return "sqlite:///" + os.path.join(app.instance_path, "hall.sqlite")


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill app.config from defaults, then HALL_* variables, then test_config."""
    app.config.from_mapping(
        SECRET_KEY="dev-only-change-me",
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
    if not app.config["DATABASE_URL"]:
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["DATABASE_URL"] = sqlite_url(app)
