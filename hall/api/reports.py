"""The manager's live dashboard and the reports page's heat map of arrivals."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask import jsonify
from pydantic import Field

from hall.api import schemas as s
from hall.api.common import now
from hall.api.spec import endpoint
from hall.engine.auth import Principal
from hall.read import dashboard
from hall.store.db import end
from hall.store.db import off_hub
from hall.web.database import get_session

MANAGERS = frozenset({"manager", "admin"})


class DashboardField(s.Out):
    code: str
    name: str
    name_en: str
    waiting: int
    longest_wait_s: int | None
    target_wait_s: int
    over_target: bool


class DashboardTicket(s.Out):
    number: str
    status: str
    field: str
    since: str | None


class DashboardCounter(s.Out):
    number: int
    name: str
    state: str
    pause_reason: str | None
    officer: s.OfficerOut | None
    fields: list[str]
    ticket: DashboardTicket | None


class DashboardToday(s.Out):
    issued: int
    served: int
    no_show: int
    waiting: int
    wait_s: s.Durations
    service_s: s.Durations
    ratings: int
    satisfied_pct: float | None


class DashboardOut(s.Out):
    at: str
    day: str
    fields: list[DashboardField]
    counters: list[DashboardCounter]
    today: DashboardToday
    warnings: list[str]


class ArrivalsOut(s.Out):
    """matrix[weekday - 1][hour]: tickets issued; days[weekday - 1]: service days counted."""

    from_: str = Field(alias="from")
    to: str
    matrix: list[list[int]]
    days: list[int]


class ArrivalsQuery(s.DayRange):
    pass


@endpoint("/dashboard", "GET", summary="The hall now and today's figures, for the live dashboard",
          roles=MANAGERS, responses={200: DashboardOut})
def get_dashboard(principal: Principal) -> Any:
    end(get_session())
    centre_id, moment = principal.centre.id, now()
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def build(session: Any) -> Any:  # today's report: off the hub like every report
        return dashboard.snapshot(session, session.get_one(type(principal.centre), centre_id), moment)

    return jsonify(off_hub(app, build))


@endpoint("/stats/arrivals", "GET", summary="Tickets issued by weekday and hour (a heat map)",
          query=ArrivalsQuery, roles=MANAGERS, responses={200: ArrivalsOut})
def get_arrivals(principal: Principal, query: ArrivalsQuery) -> Any:
    end(get_session())
    centre_id = principal.centre.id
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def build(session: Any) -> Any:
        centre = session.get_one(type(principal.centre), centre_id)
        return dashboard.arrivals(session, centre, query.from_, query.to)

    return jsonify(off_hub(app, build))

