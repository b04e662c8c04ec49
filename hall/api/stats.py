"""Reports for managers."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask import jsonify

from hall.api import schemas as s
from hall.api.spec import endpoint
from hall.engine.auth import Principal
from hall.read import stats
from hall.store.db import end
from hall.store.db import off_hub
from hall.web.database import get_session


@endpoint("/stats", "GET", summary="Wait, service and rating figures", query=s.StatsQuery,
          roles=frozenset({"manager", "admin"}), responses={200: s.StatsOut})
def get_stats(principal: Principal, query: s.StatsQuery) -> Any:
    end(get_session())
    centre_id = principal.centre.id
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def report(session: Any) -> Any:  # a long query: in a real thread, the hub keeps serving
        return stats.report(session, session.get_one(type(principal.centre), centre_id),
                            query.from_, query.to, query.by)

    return jsonify({"rows": off_hub(app, report)})
