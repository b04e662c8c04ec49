"""REST API v1 (docs/api.md): one blueprint, views grouped by noun."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from hall.api import admin as admin
from hall.api import audit as audit
from hall.api import counters as counters
from hall.api import procedures as procedures
from hall.api import reports as reports
from hall.api import stats as stats
from hall.api import tickets as tickets
from hall.api.spec import bp
from hall.api.spec import openapi_document


@bp.get("/openapi.json")
def openapi() -> Any:
    """The machine-readable API, generated from the request and response schemas."""
    return jsonify(openapi_document())


__all__ = ["bp"]
