"""The access log of a real gunicorn worker carries no token: pairing links, tracking pages
and Referers are masked."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from hall.accesslog import mask
from tests.conftest import Clock
from tests.conftest import make_app
from tests.factories import build_world
from tests.servers import ROOT
from tests.servers import free_port


def test_mask() -> None:
    assert mask("GET /kiosk?token=d_abc-DEF_12&x=1 HTTP/1.1") == "GET /kiosk?token=…&x=1 HTTP/1.1"
    assert mask("/t/Qm9vLWJhcl9iYXo") == "/t/…"
    assert mask("https://hcc.example/t/AbC_-9/qr.svg") == "https://hcc.example/t/…/qr.svg"
    assert mask("/display/call.wav?n=A017&TOKEN=d_x") == "/display/call.wav?n=A017&TOKEN=…"
    assert mask("/api/v1/queue") == "/api/v1/queue"


def test_gunicorn_logs_no_token(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    app = make_app(url)
    world = build_world(app, Clock().now)
    app.extensions["hall.engine"].dispose()
    kiosk = world.tokens["kiosk"]
    port = free_port()
    log = tmp_path / "access.log"
    env = {**os.environ, "HALL_DATABASE_URL": url, "HALL_BIND": f"127.0.0.1:{port}",
           "HALL_INSTANCE_PATH": str(tmp_path), "HALL_SECRET_KEY": "test"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:hall.gunicorn_conf",
         "--access-logfile", str(log), "hall:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(base + "/api/v1/openapi.json", timeout=5)
                break
            except requests.RequestException:  # the worker is still starting
                time.sleep(0.1)
        ticket = requests.post(base + "/api/v1/tickets", json={"field": "HT"},
                               headers={"Authorization": f"Bearer {kiosk}"}, timeout=5).json()
        tracking = ticket["track_url"].rsplit("/", 1)[1]
        requests.get(f"{base}/kiosk?token={kiosk}", allow_redirects=False, timeout=5)
        requests.get(f"{base}/t/{tracking}", timeout=5,
                     headers={"Referer": f"{base}/t/{tracking}?token={kiosk}"})
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(10)
    written = log.read_text(encoding="utf-8")
    assert "/kiosk?token=…" in written and "/t/…" in written
    assert kiosk not in written and tracking not in written
