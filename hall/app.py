"""The application factory's body."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from hall import config
from hall.web import database
from hall.web import errors
from hall.web import headers
from hall.web import health
from hall.web import i18n
from hall.web import limits
from hall.web import logins
from hall.web import metrics
from hall.web import pages
from hall.web import realtime


def build_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Configure, attach the database and Socket.IO, register blueprints."""
    # HALL_INSTANCE_PATH moves the instance folder (SQLite file, demo tokens), e.g. /var/lib/hall.
    app = Flask("hall", instance_relative_config=True,
                instance_path=os.environ.get("HALL_INSTANCE_PATH") or None)
    config.load(app, test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies:  # behind nginx: the client's address and scheme as the proxy saw them
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,  # type: ignore[method-assign]
                                x_host=proxies)
    database.init_app(app)
    i18n.init_app(app)
    errors.register(app)
    logins.init_app(app)
    headers.init_app(app)
    limits.init_app(app)

    from counter import bp as counter_bp
    from display import bp as display_bp
    from hall.api import bp as api_bp
    from hall.cli import register_commands
    from kiosk import bp as kiosk_bp
    from office import bp as office_bp

    app.register_blueprint(api_bp)
    for surface in (kiosk_bp, display_bp, counter_bp, office_bp):
        app.register_blueprint(surface)
    register_commands(app)
    realtime.init_app(app)
    pages.init_app(app)
    health.init_app(app)
    metrics.init_app(app)
    return app
