"""hall: kiosk and queue-number system for Vietnamese one-stop halls."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app (imported lazily so `hall run` can patch gevent first)."""
    from hall.app import build_app

    return build_app(test_config)
