"""Prometheus metrics at `GET /metrics` (prometheus-client).

Counted where they happen, after the commit: tickets issued, called and ended by centre and
field, print attempts that failed, request durations; connected sockets by kind as a gauge.
Read from the database at each scrape: tickets waiting now by centre and field, so every
process of a province answers the same figure.

Several processes on one machine (gunicorn instances behind nginx) share their figures
through prometheus-client's multiprocess mode: set PROMETHEUS_MULTIPROC_DIR to an empty
directory, the same for all of them, before they start; any of them then answers for all.
Without it, a process reports its own counts (one process: the whole server)."""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Flask
from flask import Response
from flask import current_app
from flask import g
from flask import request
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client import CollectorRegistry
from prometheus_client import Counter
from prometheus_client import Gauge
from prometheus_client import Histogram
from prometheus_client import generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlalchemy import select

from hall.engine.clock import app_now
from hall.engine.clock import service_day
from hall.engine.errors import Unauthorized
from hall.models import Centre
from hall.models import Field
from hall.models import Ticket
from hall.models.vocabulary import TicketStatus
from hall.store.db import session_scope

_OWN = CollectorRegistry(auto_describe=True)  # this process's figures (no multiprocess dir)

ISSUED = Counter("hall_tickets_issued", "Tickets issued (kiosk, phone, counter or transfer).",
                 ["centre", "field"], registry=_OWN)
CALLED = Counter("hall_tickets_called", "Tickets called to a counter (first call; recalls not "
                 "counted).", ["centre", "field"], registry=_OWN)
ENDED = Counter("hall_tickets_finished", "Tickets that left the line for good, by how: done "
                "(served), no_show, cancelled, transferred (to another field).",
                ["centre", "field", "outcome"], registry=_OWN)
PRINT_FAILED = Counter("hall_print_jobs_failed", "Print attempts that failed, printed by the "
                       "server (`server`) or by a kiosk's print agent (`agent`).", ["via"],
                       registry=_OWN)
SOCKETS = Gauge("hall_sockets_connected", "Socket.IO connections open now, by kind: display, "
                "door, kiosk, tablet, agent (print agent), staff (console, dashboard, API "
                "token), citizen (tracking page).", ["kind"], registry=_OWN,
                multiprocess_mode="livesum")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})  # others: "other"
LATENCY = Histogram("hall_http_request_duration_seconds", "HTTP request durations by route "
                    "and status (Socket.IO's own transport requests are not counted).",
                    ["method", "route", "status"], registry=_OWN,
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))

_OUTCOMES = {"finished": "done", "no_show": "no_show", "cancelled": "cancelled",
             "transferred": "transferred"}


def ticket_logged(centre: str, field: str, kind: str) -> None:
    """One committed line of a ticket's log (hall.engine.events.Logged) as a count."""
    if kind == "issued":
        ISSUED.labels(centre, field).inc()
    elif kind == "called":
        CALLED.labels(centre, field).inc()
    elif kind in _OUTCOMES:
        ENDED.labels(centre, field, _OUTCOMES[kind]).inc()


def print_failed(via: str) -> None:
    PRINT_FAILED.labels(via).inc()


def socket_opened(kind: str) -> None:
    SOCKETS.labels(kind).inc()


def socket_closed(kind: str) -> None:
    SOCKETS.labels(kind).dec()


class WaitingNow(Collector):
    """`hall_tickets_waiting{centre, field}`: the service day's waiting tickets, read from
    the database at each scrape (zero for a field nobody waits for). It reads the database
    of the process's app (the newest, where tests build several in one process)."""

    app: Flask | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("hall_tickets_waiting", "Tickets waiting now (the centre's "
                                   "service day), read from the database.",
                                   labels=["centre", "field"])
        if self.app is None:
            yield family
            return
        now = app_now(self.app.config)
        with session_scope(self.app) as session:
            centres = {ident: (code, service_day(now, zone)) for ident, code, zone in
                       session.execute(select(Centre.id, Centre.code, Centre.timezone))}
            fields = session.execute(select(Field.id, Field.centre_id, Field.code)
                                     .order_by(Field.centre_id, Field.position, Field.id)).all()
            counts = {(field_id, day): count for field_id, day, count in session.execute(
                select(Ticket.field_id, Ticket.service_day, func.count())
                .where(Ticket.status == TicketStatus.WAITING)
                .group_by(Ticket.field_id, Ticket.service_day))}
        for field_id, centre_id, code in fields:
            centre_code, today = centres[centre_id]
            family.add_metric([centre_code, code], counts.get((field_id, today), 0))
        yield family


def _multiprocess_dir() -> str | None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir")
    return folder or None


_WAITING = WaitingNow()
_OWN.register(_WAITING)


def _registry() -> CollectorRegistry:
    if _multiprocess_dir() is None:
        return _OWN
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # every process's files in the folder
    registry.register(_WAITING)
    return registry


def _forget_dead_processes(folder: str) -> None:
    """Open sockets of processes that died without a goodbye (kill -9, power cut) are not
    counted: at start, every live-gauge file whose process is gone is dropped."""
    from prometheus_client import multiprocess

    for path in Path(folder).glob("gauge_live*_*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(int(pid), folder)  # type: ignore[no-untyped-call]
        except PermissionError:
            pass  # alive, someone else's


def init_app(app: Flask) -> None:
    _WAITING.app = app
    folder = _multiprocess_dir()
    if folder is not None:
        _forget_dead_processes(folder)

    @app.before_request
    def _started() -> None:
        g.hall_started = time.perf_counter()

    @app.after_request
    def _observed(response: Response) -> Response:
        started = g.pop("hall_started", None)
        if started is not None:
            rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
            method = request.method if request.method in _METHODS else "other"
            LATENCY.labels(method, rule, str(response.status_code)).observe(
                time.perf_counter() - started)
        return response

    @app.get("/metrics")
    def metrics() -> Any:
        this: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        wanted = this.config.get("METRICS_TOKEN")
        if wanted:
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {wanted}".encode()):
                raise Unauthorized()
        body = generate_latest(_registry())
        return Response(body, content_type=CONTENT_TYPE_LATEST,
                        headers={"Cache-Control": "no-store"})

