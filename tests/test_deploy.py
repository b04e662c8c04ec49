"""The deployment files hold together: compose.yaml's services, the Dockerfile, the nginx site
for compose and the systemd units name each other consistently. (Docker cannot run here;
tests/test_nginx.py runs both nginx sites for real.)"""

from __future__ import annotations

import configparser
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SERVE = ["gunicorn", "-c", "python:hall.gunicorn_conf", "hall:create_app()"]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((ROOT / "deploy/systemd" / name).read_text())
    return parser


def test_compose_starts_the_database_redis_the_migration_then_two_halls_and_nginx() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "migrate", "hall1", "hall2", "nginx"}
    migrate = services["migrate"]
    assert migrate["command"] == ["hall", "db", "upgrade"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert migrate["restart"] == "no"
    for name in ("hall1", "hall2"):
        hall = services[name]
        assert hall["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert hall["depends_on"]["redis"]["condition"] == "service_healthy"
        assert "/healthz" in " ".join(hall["healthcheck"]["test"])
        assert hall["image"] == migrate["image"] and hall["build"] == "."
    assert services["hall1"]["environment"] == services["hall2"]["environment"] == migrate["environment"]
    environment = services["hall1"]["environment"]
    assert environment["HALL_DATABASE_URL"].startswith("postgresql://")
    assert "@postgres:5432/" in environment["HALL_DATABASE_URL"]
    assert environment["HALL_REDIS_URL"] == "redis://redis:6379/0"
    assert environment["HALL_SECRET_KEY"].startswith("${HALL_SECRET_KEY")
    assert environment["HALL_PROXY_FIX"] == "1"
    nginx = services["nginx"]
    assert {name: need["condition"] for name, need in nginx["depends_on"].items()} == {
        "hall1": "service_healthy", "hall2": "service_healthy"}
    assert "/healthz" in " ".join(nginx["healthcheck"]["test"])
    for service in ("postgres", "redis"):
        assert services[service]["healthcheck"]["test"]


def test_the_compose_nginx_site_names_the_hall_services_and_their_port() -> None:
    services = compose()["services"]
    [mount] = services["nginx"]["volumes"]
    source, target, mode = mount.split(":")
    assert (ROOT / source).is_file() and target.startswith("/etc/nginx/conf.d/") and mode == "ro"
    site = (ROOT / source).read_text()
    port = services["hall1"]["environment"]["HALL_BIND"].rpartition(":")[2]
    assert re.findall(r"^\s*server\s+([\w.]+):(\d+)", site, flags=re.M) == [
        ("hall1", port), ("hall2", port)]
    assert "hash $remote_addr" in site and "proxy_set_header Upgrade $http_upgrade;" in site


def test_the_image_builds_the_wheel_and_serves_with_the_packaged_config() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    froms = re.findall(r"^FROM (\S+)", dockerfile, flags=re.M)
    assert froms and set(froms) == {"python:3.11-slim"}
    assert "pip wheel" in dockerfile
    assert "fonts-dejavu-core" in dockerfile and "espeak-ng" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.findall(r"^WORKDIR (\S+)", dockerfile, flags=re.M)[-1] == "/var/lib/hall"
    [command] = re.findall(r"^CMD (.+)$", dockerfile, flags=re.M)
    assert yaml.safe_load(command) == SERVE
    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    assert {".git", ".venv", "node_modules", "instance", ".env"} <= set(ignored)
    for needed in ("hall", "kiosk", "display", "counter", "office", "printer", "pyproject.toml",
                   "README.md"):
        assert needed not in ignored


def test_the_systemd_units_raise_the_descriptor_limit_and_share_the_metrics_directory() -> None:
    for name in ("hall.service", "hall@.service"):
        assert unit(name)["Service"]["LimitNOFILE"] == "65536", name
    processes, metrics = unit("hall@.service"), unit("hall-metrics.service")
    assert "hall-metrics.service" in processes["Unit"]["Requires"]
    assert "hall-metrics.service" in processes["Unit"]["After"]
    environment = (ROOT / "deploy/systemd/hall@.service").read_text()
    [shared] = re.findall(r"^Environment=PROMETHEUS_MULTIPROC_DIR=(\S+)$", environment, flags=re.M)
    assert shared == "/run/" + metrics["Service"]["RuntimeDirectory"]
    assert metrics["Unit"]["StopWhenUnneeded"] == "yes"
    assert metrics["Service"]["User"] == processes["Service"]["User"] == "hall"
    assert processes["Service"]["ExecStart"].endswith("'hall:create_app()'")
