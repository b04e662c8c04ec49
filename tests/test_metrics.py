"""Prometheus metrics at /metrics: counted where things happen, summed over the processes of
one machine (PROMETHEUS_MULTIPROC_DIR), waiting counts read from the database."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import World
from tests.factories import build_world
from tests.listener import Listener
from tests.listener import close_all
from tests.servers import Server

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(text: str) -> Samples:
    """Every sample by (name, sorted labels)."""
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def metrics_of(url: str) -> Samples:
    response = requests.get(url + "/metrics", timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain")
    return scrape(response.text)


def test_two_processes_answer_for_both(tmp_path: Path) -> None:
    """Issued on one process, called and finished on the other: either one's /metrics counts
    all of it; a display connected to one is counted by both, and no more once it leaves."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    app = make_app(url)
    world = build_world(app, Clock().now)
    app.extensions["hall.engine"].dispose()
    env = {"PROMETHEUS_MULTIPROC_DIR": str(folder)}
    with Server(url, env=env) as first, Server(url, env=env) as second:
        for _ in range(3):
            assert first.api("POST", "/tickets", world.tokens["kiosk"],
                             json={"field": "HT"}).status_code == 201
        assert first.api("POST", "/tickets", world.tokens["kiosk"],
                         json={"field": "CT"}).status_code == 201
        before = metrics_of(second.url)
        assert value(before, "hall_tickets_issued_total", centre="default", field="HT") == 3
        assert value(before, "hall_tickets_issued_total", centre="default", field="CT") == 1
        assert value(before, "hall_tickets_waiting", centre="default", field="HT") == 3
        assert ("hall_tickets_waiting", (("centre", "default"), ("field", "DD"))) in before

        display = Listener(second.url, world.tokens["display"])
        try:
            display.wait_for("state")
            connected = metrics_of(first.url)
            assert value(connected, "hall_sockets_connected", kind="display") == 1
            second.api("POST", "/counters/1/open", world.tokens["officer1"])
            called = second.api("POST", "/counters/1/call-next", world.tokens["officer1"]).json()
            assert called["field"]["code"] == "HT"
            assert second.api("POST", "/counters/1/finish",
                              world.tokens["officer1"]).status_code == 200
            second.api("POST", "/counters/1/call-next", world.tokens["officer1"])
            assert second.api("POST", "/counters/1/no-show",
                              world.tokens["officer1"]).status_code == 200
        finally:
            close_all([display])

        deadline = time.monotonic() + 5
        after = metrics_of(first.url)
        while value(after, "hall_sockets_connected", kind="display") and time.monotonic() < deadline:
            time.sleep(0.1)
            after = metrics_of(first.url)
        assert value(after, "hall_sockets_connected", kind="display") == 0
        assert value(after, "hall_tickets_called_total", centre="default", field="HT") == 2
        assert value(after, "hall_tickets_finished_total", centre="default", field="HT",
                     outcome="done") == 1
        assert value(after, "hall_tickets_finished_total", centre="default", field="HT",
                     outcome="no_show") == 1
        assert value(after, "hall_tickets_waiting", centre="default", field="HT") == 1
        # four issues on the first process, three counter calls on the second, one histogram
        issued = value(after, "hall_http_request_duration_seconds_count", method="POST",
                       route="/api/v1/tickets", status="201")
        assert issued == 4
        assert value(after, "hall_http_request_duration_seconds_bucket", method="POST",
                     route="/api/v1/tickets", status="201", le="+Inf") == 4

        # a process killed with its screens connected: the next one to start forgets them
        orphan = Listener(second.url, world.tokens["display"])
        orphan.wait_for("state")
        assert value(metrics_of(first.url), "hall_sockets_connected", kind="display") == 1
        assert second.process is not None
        second.process.kill()
        second.process.wait()
        close_all([orphan])
        with Server(url, env=env) as third:
            restarted = metrics_of(third.url)
            assert value(restarted, "hall_sockets_connected", kind="display") == 0
            assert value(restarted, "hall_tickets_issued_total", centre="default", field="HT") == 3


def test_a_refused_issue_counts_nothing(app: Flask, client: FlaskClient, world: World) -> None:
    """Counted after the commit only: a request that changes nothing is not a ticket."""
    def issued() -> float:
        return value(scrape(client.get("/metrics").get_data(as_text=True)),
                     "hall_tickets_issued_total", centre="default", field="HT")

    start = issued()
    assert client.post("/api/v1/tickets", json={"field": "NOPE"},
                       headers=world.headers("kiosk")).status_code == 404
    assert issued() == start
    assert client.post("/api/v1/tickets", json={"field": "HT"},
                       headers=world.headers("kiosk")).status_code == 201
    assert issued() == start + 1


def test_a_metrics_token_guards_the_figures(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'hall.sqlite'}", METRICS_TOKEN="scrape-me")
    client = app.test_client()
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "unauthorized"
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    allowed = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert allowed.status_code == 200 and b"hall_tickets_waiting" in allowed.data


def test_an_odd_method_is_counted_as_other(app: Flask, client: FlaskClient) -> None:
    """Any word a client sends as its method must not become a new series of its own."""
    client.open("/healthz", method="BREW")
    figures = scrape(client.get("/metrics").get_data(as_text=True))
    methods = {dict(labels).get("method") for name, labels in figures
               if name.startswith("hall_http_request_duration_seconds")}
    assert "other" in methods and "BREW" not in methods


def test_the_example_secret_is_refused(tmp_path: Path) -> None:
    """The deploy examples leave the key empty; a copied placeholder must not sign sessions."""
    with pytest.raises(RuntimeError, match="placeholder"):
        make_app(f"sqlite:///{tmp_path / 'hall.sqlite'}", SECRET_KEY="change-me-to-a-long-random-string")
