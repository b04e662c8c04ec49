"""The administration pages (/admin): a centre set up from a browser, through the same REST
API and engine rules as any integrator."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("office", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/office")

from office import routes as routes  # noqa: E402  (registers the views)
