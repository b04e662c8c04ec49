"""Schemathesis against a real `hall run`, on SQLite and on PostgreSQL.

The served OpenAPI document drives the requests: valid ones and ones that break its schemas
(wrong types, missing keys, odd text), two workers at once, first the kiosk's operations with
the kiosk's token, then every operation with an admin's. No answer may be a 5xx, have a
status the document does not list for its operation, or a body its schema refuses; the
server (which checks every answer against the document itself, HALL_CHECK_RESPONSES) logs no
traceback. HALL_FUZZ_EXAMPLES=50 runs a deeper search by hand (as in tests/test_bad_input.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
import requests
from flask import Flask

from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import World
from tests.factories import build_world
from tests.factories import issue
from tests.factories import post
from tests.servers import Server
from tests.servers import free_port

# The command line's options and schemathesis.toml's dictionaries as of 4.32.
if tuple(int(part) for part in metadata.version("schemathesis").split(".")[:2]) < (4, 32):
    pytest.skip("tests/test_fuzz.py needs schemathesis 4.32 or later", allow_module_level=True)

CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
# Examples per operation in the fuzzing phase; the coverage phase adds its own boundary cases.
EXAMPLES = int(os.environ.get("HALL_FUZZ_EXAMPLES", "3"))


@dataclass
class Target:
    """The served world: its tokens, and the ids the revoking operations may spend."""

    world: World
    spare_token: int
    spare_device: int


def prepare(app: Flask) -> Target:
    """The test world with four tickets, the first called at counter 1; a spare user token and
    a spare kiosk (printing to a closed port) for the operations that revoke, so the fuzz
    never revokes the tokens it works with."""
    world = build_world(app, Clock().now)
    client = app.test_client()
    for code in ("HT", "CT", "DD", "HT"):
        issue(client, world, code)
    assert post(client, world, "officer1", "/counters/1/open").status_code == 200
    assert post(client, world, "officer1", "/counters/1/call-next").status_code == 200
    assert post(client, world, "admin", "/users/officer3/tokens").status_code == 201
    tokens = client.get("/api/v1/tokens", headers=world.headers("admin")).get_json()
    kiosk = post(client, world, "admin", "/devices", {
        "kind": "kiosk", "name": "Ki-ốt thử", "printer": f"network://127.0.0.1:{free_port()}"})
    assert kiosk.status_code == 201
    return Target(world, spare_token=tokens[0]["id"], spare_device=kiosk.get_json()["id"])


def config(target: Target) -> str:
    """schemathesis.toml: the revoking operations (and test-print) always name the spares;
    other path parameters name a real counter, field, ticket or user half of the time, so the
    requests reach the engine's rules and not only its 404s."""
    real = {"number": [1, 2, 3], "code": ["HT", "CT", "DD"], "ticket_id": [1, 2, 3, 4],
            "username": ["officer2", "officer3", "manager"]}
    lines = [f'"path.token_id" = {target.spare_token}', f'"path.device_id" = {target.spare_device}']
    lines += [f'"path.{name}" = {{ dictionary = "{name}", probability = 0.5 }}' for name in real]
    lines.append("")
    for name, values in real.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    return "[parameters]\n" + "\n".join(lines)


def kiosk_operations(server: Server) -> list[str]:
    """The ids of the operations a kiosk may call, from the document's "Allowed:" lines."""
    document = requests.get(f"{server.url}/api/v1/openapi.json", timeout=10).json()
    operations = [operation for item in document["paths"].values() for operation in item.values()]
    return [operation["operationId"] for operation in operations
            if "kiosk" in operation["description"].removeprefix("Allowed: ").split(", ")]


def schemathesis(server: Server, folder: Path, token: str, *options: str) -> None:
    """One `st run` against the server; its report is the failure message."""
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(folder / "schemathesis.toml"),
               "run", f"{server.url}/api/v1/openapi.json", "--header", f"Authorization: Bearer {token}",
               "--workers", "2", "--checks", CHECKS, "--phases", "coverage,fuzzing,stateful",
               # the same cases every run (no seed, no example database), for a repeatable CI
               "--generation-deterministic", "--max-examples", str(EXAMPLES), "--no-color", *options]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hall.sqlite'}"
    return str(request.getfixturevalue("pg_url"))


def test_the_api_holds_to_its_document(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url)
    target = prepare(app)
    app.extensions["hall.engine"].dispose()
    (tmp_path / "schemathesis.toml").write_text(config(target))
    tokens = target.world.tokens
    with Server(database_url, log_path=tmp_path / "server.log") as server:
        kiosk = [option for name in kiosk_operations(server) for option in ("--include-operation-id", name)]
        schemathesis(server, tmp_path, tokens["kiosk"], *kiosk)
        schemathesis(server, tmp_path, tokens["admin"])
        # the tokens worked to the end: the requests reached the application, not only its 401
        for who, path in (("admin", "/tokens"), ("kiosk", "/queue")):
            assert server.api("GET", path, tokens[who]).status_code == 200, who
    assert "Traceback" not in server.log(), server.log()
