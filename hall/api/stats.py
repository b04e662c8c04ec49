"""Reports for managers."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from hall import stats
from hall.api import schemas as s
from hall.api.spec import endpoint
from hall.auth import Principal
from hall.db import get_session


@endpoint("/stats", "GET", summary="Wait, service and rating figures", query=s.StatsQuery,
          roles=frozenset({"manager", "admin"}), responses={200: s.StatsOut})
def get_stats(principal: Principal, query: s.StatsQuery) -> Any:
    rows = stats.report(get_session(), principal.centre, query.from_, query.to, query.by)
    return jsonify({"rows": rows})
