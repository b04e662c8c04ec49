"""The package stands on its own: a wheel built from a clean copy of the tracked files holds
every file its pages load (the browser libraries, templates, translations, migrations), and,
installed into a new virtual environment outside the checkout and started with gunicorn's
gevent worker, it serves a kiosk with tiles and a live hall display in Chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
NEEDED = ("hall/static/vendor/socket.io.min.js", "hall/static/vendor/chart.umd.min.js",
          "hall/static/common.js", "kiosk/static/kiosk.js", "display/static/display.js",
          "hall/translations/en/LC_MESSAGES/messages.mo", "hall/translations/en/LC_MESSAGES/js.mo",
          "kiosk/templates/kiosk/kiosk.html", "office/templates/office/reports.html",
          "hall/store/migrations/env.py")


def test_the_vendored_libraries_are_the_pinned_ones() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for name, dist in (("socket.io-client", "socket.io.min.js"), ("chart.js", "chart.umd.min.js")):
        shipped = (ROOT / "hall/static/vendor" / dist).read_bytes()
        installed = ROOT / "node_modules" / name / "dist" / dist
        assert shipped == installed.read_bytes(), f"{dist}: run make after npm install"
        version = lock[f"node_modules/{name}"]["version"]
        assert f"v{version}" in shipped[:200].decode(), (dist, version)
        assert f"| {version} |" in (ROOT / "hall/static/vendor/README.md").read_text()


@pytest.fixture(scope="module")
def installed(tmp_path_factory: Any) -> Iterator[Path]:
    """A new virtual environment outside the checkout with the wheel installed; the
    dependencies come from the test environment's site-packages (no network), without its
    editable install of the checkout."""
    work = tmp_path_factory.mktemp("wheel")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                             capture_output=True).stdout.decode().split("\0")
    source = work / "source"
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    # as `pip wheel .` on a fresh clone does: its own build environment (pyproject's setuptools)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "-w", str(work / "dist"), str(source)], check=True)
    [wheel] = (work / "dist").glob("hall-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert not [name for name in NEEDED if name not in names], sorted(names)[:20]
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    target = Path(subprocess.run([str(venv / "bin/python"), "-c",
                                  "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 check=True, capture_output=True, text=True).stdout.strip())
    # the dependencies as a plain path: the test environment's .pth files (its editable
    # install of this checkout) are not read from a path listed this way
    (target / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheel)], check=True)
    yield venv


def test_the_installed_wheel_serves_the_pages(installed: Path, tmp_path: Path, page: Any) -> None:
    python = str(installed / "bin/python")
    where = subprocess.run([python, "-c", "import hall, kiosk; print(hall.__file__, kiosk.__file__)"],
                           cwd=tmp_path, check=True, capture_output=True, text=True).stdout
    assert str(ROOT) not in where and str(installed) in where  # not the checkout's copy
    instance = tmp_path / "instance"
    env = {**os.environ, "HALL_INSTANCE_PATH": str(instance), "HALL_SECRET_KEY": "wheel-test",
           "PYTHONPATH": ""}
    port = free_port()
    env["HALL_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    for command in (["init"], ["demo"]):
        subprocess.run([python, "-m", "hall.cli", *command], cwd=tmp_path, env=env, check=True,
                       capture_output=True)
    tokens = json.loads((instance / "demo-tokens.json").read_text())
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "-c", "python:hall.gunicorn_conf", "hall:create_app()"],
        cwd=tmp_path, env={**env, "HALL_BIND": f"127.0.0.1:{port}"},  # the installed config
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(base + "/api/v1/openapi.json", timeout=2).ok:
                    break
            except (requests.ConnectionError, requests.Timeout):  # not listening, or still booting
                pass
            assert server.poll() is None and time.monotonic() < deadline, (
                server.stderr.read().decode() if server.stderr and server.poll() is not None else "")
            time.sleep(0.2)
        for asset in ("/static/vendor/socket.io.min.js", "/static/vendor/chart.umd.min.js"):
            assert requests.get(base + asset, timeout=5).status_code == 200, asset
        page.goto(f"{base}/kiosk?token={tokens['kiosk:']}")
        expect(page.locator(".tile").first).to_be_visible()
        expect(page.locator("#offline")).to_be_hidden()
        page.goto(f"{base}/display?token={tokens['display:']}")
        expect(page.locator("#date")).not_to_be_empty()
        expect(page.locator("#offline")).to_be_hidden()
        ticket = requests.post(base + "/api/v1/tickets", json={"field": "HT"}, timeout=5,
                               headers={"Authorization": f"Bearer {tokens['kiosk:']}"})
        assert ticket.status_code == 201, ticket.text
        expect(page.locator("#waiting")).to_contain_text("1")  # the live board heard it
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
