"""`GET /healthz`: 200 with the database (and Redis, when configured) answering and the print
agents' last contact; 503, never 500, when either is gone."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import sessionmaker

from hall.store.db import make_engine
from tests.conftest import needs_redis
from tests.factories import World
from tests.factories import post


def test_healthy_with_the_print_agents(app: Flask, client: FlaskClient, world: World) -> None:
    agent = post(client, world, "admin", "/devices",
                 {"kind": "kiosk", "name": "Ki-ốt có máy in", "printer": "agent"}).get_json()
    answer = client.get("/healthz")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "ok" and body["database"]["ok"] and body["redis"] is None
    assert [a["device"] for a in body["print_agents"]] == [agent["id"]]
    assert body["print_agents"][0]["last_seen_at"] is None  # its agent never connected
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_missing_redis_is_503(app: Flask, client: FlaskClient) -> None:
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    answer = client.get("/healthz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["status"] == "unavailable" and body["redis"]["ok"] is False
    assert body["database"]["ok"]


def test_a_missing_database_is_503(app: Flask, client: FlaskClient) -> None:
    gone = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # nothing listens
    app.extensions["hall.sessions"] = sessionmaker(bind=gone)
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json()["database"]["ok"] is False


def test_a_real_redis_is_reachable(app: Flask, client: FlaskClient) -> None:
    app.config["REDIS_URL"] = needs_redis()
    body = client.get("/healthz").get_json()
    assert body["redis"]["ok"] is True and body["status"] == "ok"
