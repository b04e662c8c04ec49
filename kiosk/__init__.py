"""The kiosk surface: the touch kiosk page and the citizen's phone tracking page."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("kiosk", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/kiosk")

from kiosk import routes as routes  # noqa: E402  (registers the views)
