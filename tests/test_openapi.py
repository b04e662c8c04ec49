"""The OpenAPI document is valid, generated from the schemas, and covers docs/api.md."""

from __future__ import annotations

import flask
import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from hall.api.spec import UndocumentedAnswer
from hall.read import serialize
from tests.factories import World
from tests.factories import issue

API_MD = [
    ("post", "/api/v1/fields"), ("get", "/api/v1/fields"), ("post", "/api/v1/counters"),
    ("post", "/api/v1/devices"), ("post", "/api/v1/users"),
    ("post", "/api/v1/users/{username}/tokens"), ("post", "/api/v1/tickets"),
    ("get", "/api/v1/tickets/{ticket_id}"), ("post", "/api/v1/tickets/{ticket_id}/cancel"),
    ("get", "/api/v1/queue"), ("post", "/api/v1/counters/{number}/open"),
    ("post", "/api/v1/counters/{number}/close"), ("post", "/api/v1/counters/{number}/call-next"),
    ("post", "/api/v1/counters/{number}/recall"), ("post", "/api/v1/counters/{number}/start"),
    ("post", "/api/v1/counters/{number}/finish"), ("post", "/api/v1/counters/{number}/no-show"),
    ("post", "/api/v1/counters/{number}/transfer"), ("post", "/api/v1/ratings"),
    ("get", "/api/v1/stats"),
]  # fmt: skip


def test_document_is_valid_openapi(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_every_api_md_call_and_every_route_is_documented(app: Flask, client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {(method, path) for path, item in spec["paths"].items() for method in item}
    assert set(API_MD) <= documented
    routes = {
        (method.lower(), rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}"))
        for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
        and rule.endpoint != "api.openapi"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }  # fmt: skip
    assert routes == documented


def test_schemas_come_from_the_validators(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    ticket_in = spec["components"]["schemas"]["TicketIn"]
    assert ticket_in["anyOf"] == [{"required": ["field"]}, {"required": ["procedure"]}]
    assert ticket_in["additionalProperties"] is False
    field = next(option for option in ticket_in["properties"]["field"]["anyOf"]
                 if option.get("type") == "string")
    assert field["maxLength"] == 32
    issue = spec["paths"]["/api/v1/tickets"]["post"]
    assert {"201", "200", "400", "401", "403", "404", "409"} <= set(issue["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in issue["parameters"])
    stats = {p["name"] for p in spec["paths"]["/api/v1/stats"]["get"]["parameters"]}
    assert stats == {"from", "to", "by", "field", "counter", "officer", "format"}


def test_writes_declare_the_size_and_busy_answers(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"413", "503"} <= set(spec["paths"]["/api/v1/tickets"]["post"]["responses"])
    assert "503" not in spec["paths"]["/api/v1/queue"]["get"]["responses"]


def test_an_answer_that_drifts_from_the_document_is_caught(
        client: FlaskClient, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests' response check (CHECK_RESPONSES) refuses a field the schema does not have,
    and a status the operation does not declare."""
    ticket = issue(client, world)
    path = f"/api/v1/tickets/{ticket['id']}"
    assert client.get(path, headers=world.headers("officer1")).status_code == 200
    original = serialize.ticket_json
    monkeypatch.setattr(serialize, "ticket_json",
                        lambda *a, **k: {**original(*a, **k), "secret": "x"})
    with pytest.raises(UndocumentedAnswer, match="does not match its schema"):
        client.get(path, headers=world.headers("officer1"))
    monkeypatch.setattr(serialize, "ticket_json", original)
    # a reprint (202) is declared; a cancel answering 202 would not be
    assert client.post("/api/v1/counters/1/open", headers=world.headers("officer1")).status_code == 200
    monkeypatch.setattr("hall.api.tickets.jsonify",
                        lambda body: flask.Response(flask.json.dumps(body), 202,
                                                    mimetype="application/json"))
    with pytest.raises(UndocumentedAnswer, match="does not declare"):
        client.post(path + "/cancel", headers=world.headers("officer1"))


def test_options_is_answered_with_the_allowed_methods(client: FlaskClient, world: World) -> None:
    """werkzeug answers OPTIONS on every route by itself (200, the Allow header, no body); the
    response check leaves it alone instead of holding it to the operation's answers."""
    for path, methods in (("/api/v1/queue", {"GET", "HEAD"}), ("/api/v1/tickets/1/reprint", {"POST"}),
                          ("/api/v1/counters/1", {"PATCH", "DELETE"})):
        answer = client.options(path, headers=world.headers("admin"))
        assert answer.status_code == 200 and not answer.get_data()
        assert set(answer.headers["Allow"].replace(" ", "").split(",")) == methods | {"OPTIONS"}
    head = client.head("/api/v1/queue", headers=world.headers("display"))
    assert head.status_code == 200 and not head.get_data()


def test_opening_sessions_are_arrays_of_two_times(client: FlaskClient, world: World) -> None:
    """A session is a pair: documented as an array of exactly two strings (`items`, not a
    2020-12 `prefixItems` tuple, which some OpenAPI tools misread) and validated as one."""
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "prefixItems" not in flask.json.dumps(spec)
    schemas = spec["components"]["schemas"]
    for model, key in (("OpeningHoursIn", "days"), ("OpeningHoursOut", "days"),
                       ("CentreOut", "opening_hours")):
        session = schemas[model]["properties"][key]["additionalProperties"]["items"]  # a day's list
        assert (session["type"], session["minItems"], session["maxItems"]) == ("array", 2, 2)
        assert session["items"]["type"] == "string"
    hours = {"days": {"0": [["07:30", "11:30"]]}}
    answer = client.put("/api/v1/centre/opening-hours", json=hours, headers=world.headers("admin"))
    assert answer.status_code == 200 and answer.get_json() == hours
    for bad in ([["07:30"]], [["07:30", "11:30", "12:00"]], [["07:30", 1130]]):
        refused = client.put("/api/v1/centre/opening-hours", json={"days": {"0": bad}},
                             headers=world.headers("admin"))
        assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "invalid_body"
