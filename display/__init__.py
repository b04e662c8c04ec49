"""The display surface: hall display screens, counter-door screens, and the spoken call's audio."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("display", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/display")

from display import routes as routes  # noqa: E402  (registers the views)
