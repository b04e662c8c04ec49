"""`GET /healthz` for the operator's monitor and the load balancer: the database and Redis
reachable, and when each kiosk's print agent last made contact. 200 when the database (and
Redis, when configured) answer, else 503; never a 500."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from flask import current_app
from flask import jsonify
from sqlalchemy import select
from sqlalchemy import text

from hall.engine.clock import app_now
from hall.engine.clock import local_iso
from hall.models import Centre
from hall.models import Device
from hall.store.db import session_scope

REDIS_TIMEOUT_S = 2.0


def _database(app: Flask) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    started = time.monotonic()
    try:
        with session_scope(app) as session:
            session.execute(text("SELECT 1"))
            agents = session.execute(
                select(Device.id, Device.name, Device.last_seen_at, Device.printer_state,
                       Centre.code, Centre.timezone)
                .join(Centre, Centre.id == Device.centre_id)
                .where(Device.kind == "kiosk", Device.printer == "agent",
                       Device.revoked_at.is_(None))
                .order_by(Device.id)).all()
    except Exception as exc:  # any driver error: the database is not there for us
        return {"ok": False, "error": type(exc).__name__}, []
    took = round((time.monotonic() - started) * 1000, 1)
    listed = [{"device": ident, "name": name, "centre": code, "printer_state": state,
               "last_seen_at": local_iso(seen, zone) if seen else None}
              for ident, name, seen, state, code, zone in agents]
    return {"ok": True, "ms": took}, listed


def _redis(url: str) -> dict[str, Any]:
    import redis

    started = time.monotonic()
    client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S,
                                  socket_connect_timeout=REDIS_TIMEOUT_S)
    try:
        client.ping()  # after the database's transaction has ended: no I/O inside one
    except Exception as exc:  # refused, timed out, wrong password: not reachable
        return {"ok": False, "error": type(exc).__name__}
    finally:
        client.close()
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def init_app(app: Flask) -> None:
    @app.get("/healthz")
    def healthz() -> Any:
        this = current_app._get_current_object()  # type: ignore[attr-defined]
        database, agents = _database(this)
        url = this.config.get("REDIS_URL")
        redis_state = _redis(str(url)) if url else None
        healthy = database["ok"] and (redis_state is None or redis_state["ok"])
        body = {"status": "ok" if healthy else "unavailable", "database": database,
                "redis": redis_state, "print_agents": agents,
                "at": app_now(this.config).isoformat(timespec="seconds")}
        response = jsonify(body)
        response.headers["Cache-Control"] = "no-store"
        return response, 200 if healthy else 503
