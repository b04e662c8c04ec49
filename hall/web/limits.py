"""Rate limits (Flask-Limiter): ticket issue per token, login per username and per address,
token creation per admin. Counted in memory for one process, in Redis when HALL_REDIS_URL is
set (every process shares the counts). A limit reached answers 429 `too_many_requests` with
Retry-After; nothing is done.

The limits are counted through Flask-Limiter's rate limiter where hall decides (the API's
`endpoint(limit=…)` keys them by the caller's token, before any database work, since a Redis
count is network I/O that no transaction may wait across; the login form by username and by
address), rather than by its route decorators, which know nothing of hall's callers."""

from __future__ import annotations

import math
import time

from flask import Flask
from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse
from werkzeug.exceptions import TooManyRequests

# A kiosk is never refused up to 30 tickets a minute (docs/api.md); twice that is room to
# spare for a busy kiosk, and a ceiling for a stuck or stolen one.
DEFAULTS = {
    "RATE_LIMITS": True,
    "ISSUE_LIMIT": "60 per minute",
    "LOGIN_LIMIT_USER": "10 per minute",
    "LOGIN_LIMIT_ADDRESS": "30 per minute",
    "TOKEN_LIMIT": "30 per hour",
}


def init_app(app: Flask) -> None:
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    if isinstance(app.config["RATE_LIMITS"], str):  # HALL_RATE_LIMITS=0 turns them off
        app.config["RATE_LIMITS"] = app.config["RATE_LIMITS"].lower() not in ("0", "off", "no")
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    # One Redis may serve several deployments: their counts apart, as their events are.
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config.get("SOCKETIO_CHANNEL") or "hall")
    # One limiter per app (its own storage): no route limits, only the checks below.
    limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)
    limiter.init_app(app)
    app.extensions["hall.limiter"] = limiter


def check(kind: str, *keys: str) -> None:
    """Count one request of `kind` (issue, login_user, login_address, token) for `keys`;
    429 with Retry-After once the configured limit is reached."""
    config = current_app.config
    if not config.get("RATE_LIMITS", True):
        return
    item = parse(config[_SETTING[kind]])
    strategy = current_app.extensions["hall.limiter"].limiter
    scope = (config["RATELIMIT_KEY_PREFIX"], kind, *keys)
    try:
        if strategy.hit(item, *scope):
            return
        reset = strategy.get_window_stats(item, *scope).reset_time
    except Exception:  # the count's store (Redis) is down: a kiosk still gets its number
        current_app.logger.warning("rate limit not counted: its store did not answer",
                                   exc_info=True)
        return
    raise TooManyRequests(retry_after=max(1, math.ceil(reset - time.time())))


_SETTING = {"issue": "ISSUE_LIMIT", "login_user": "LOGIN_LIMIT_USER",
            "login_address": "LOGIN_LIMIT_ADDRESS", "token": "TOKEN_LIMIT"}
