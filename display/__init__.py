"""The display surface (pages come in their own issue)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("display", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/display")
