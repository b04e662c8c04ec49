"""A small fixed world: three fields, three counters, every role and device kind."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from hall.engine import admin
from hall.engine import auth
from hall.models import Centre
from hall.store.db import session_scope

FIELDS = [("HT", "Hộ tịch", "A"), ("CT", "Chứng thực", "B"), ("DD", "Đất đai", "C")]
COUNTERS = [(1, ["HT", "CT"]), (2, ["CT"]), (3, ["DD", "HT"])]
PASSWORD = "mật-khẩu-thử"


@dataclass
class World:
    """Tokens by name: admin, manager, officer1..3, kiosk, display, tablet1..3, door1."""

    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, name: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}", **extra}


def build_world(app: Flask, now: datetime, centre_code: str | None = None) -> World:
    """Create the world in the first centre (or a new centre with `centre_code`)."""
    world = World()
    with session_scope(app, writing=True) as session:
        centre = session.scalars(select(Centre).order_by(Centre.id)).first()
        if centre_code is not None:
            centre = Centre(code=centre_code, name=f"Trung tâm {centre_code}")
            session.add(centre)
            session.flush()
        assert centre is not None
        suffix = "" if centre_code is None else f"-{centre_code}"
        for position, (code, name, prefix) in enumerate(FIELDS):
            admin.add_field(session, centre, code, name, prefix=prefix, position=position)
        for number, codes in COUNTERS:
            admin.add_counter(session, centre, number, "", codes)
        users = [("admin", "admin"), ("manager", "manager")]
        users += [(f"officer{n}", "officer") for n in (1, 2, 3)]
        for name, role in users:
            user = admin.add_user(session, centre, name + suffix, role, PASSWORD, now)
            world.tokens[name] = auth.issue_user_token(session, user, now)
        devices: list[tuple[str, str, int | None]] = [("kiosk", "kiosk", None),
                                                       ("display", "display", None)]
        devices += [(f"tablet{n}", "tablet", n) for n in (1, 2, 3)]
        devices.append(("door1", "display", 1))
        for name, kind, counter in devices:
            _, token = admin.add_device(session, centre, kind, name, now, counter)
            world.tokens[name] = token
        session.commit()
    return world


def post(client: FlaskClient, world: World, who: str, path: str, body: Any = None,
         **headers: str) -> Any:
    """POST to /api/v1 as `who`; returns the response."""
    return client.post(f"/api/v1{path}", json=body, headers=world.headers(who, **headers))


def issue(client: FlaskClient, world: World, field: str = "HT", **body: Any) -> dict[str, Any]:
    response = post(client, world, "kiosk", "/tickets", {"field": field, **body})
    assert response.status_code == 201, response.get_json()
    data: dict[str, Any] = response.get_json()
    return data
