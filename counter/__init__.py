"""The counter surface: the officer console and the counter's rating tablet."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("counter", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/counter")

from counter import routes as routes  # noqa: E402  (registers the views)
