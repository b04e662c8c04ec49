"""The `hall` command line: init, user add, token create, demo; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text

from hall.models import Ticket
from hall.store import schema
from hall.store.db import make_engine
from tests.servers import ROOT


def hall(*args: str, database_url: str, stdin: str = "", instance: Path | None = None,
         **more_env: str) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if k not in ("HOST", "PORT", "HALL_PUBLIC_URL")},
           "HALL_DATABASE_URL": database_url,
           "HALL_INSTANCE_PATH": str(instance or ROOT / "instance"), **more_env}
    return subprocess.run([sys.executable, "-m", "hall.cli", *args], input=stdin, text=True,
                          capture_output=True, env=env, cwd=ROOT, timeout=60)


def check_init_is_idempotent(url: str) -> None:
    first, second = hall("init", database_url=url), hall("init", database_url=url)
    assert first.returncode == second.returncode == 0, first.stderr
    engine = make_engine(url)
    assert schema.current_revision(engine) == schema.head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"tickets", "ticket_events", "ratings", "ticket_sequences", "devices"} <= tables
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM centres")).scalar() == 1
    engine.dispose()


def test_init_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    check_init_is_idempotent(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


@pytest.mark.postgres
def test_init_on_postgres(pg_url: str) -> None:
    check_init_is_idempotent(pg_url)


def migrations_match_models(url: str) -> None:
    """Upgrading to head gives exactly the models' schema (a forgotten migration fails here)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from hall.models import Base

    engine = make_engine(url)
    schema.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_migrations_match_models_on_sqlite(tmp_path: Path) -> None:
    migrations_match_models(f"sqlite:///{tmp_path / 'head.sqlite'}")


@pytest.mark.postgres
def test_migrations_match_models_on_postgres(pg_url: str) -> None:
    migrations_match_models(pg_url)


def test_init_upgrades_an_older_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = make_engine(url)
    schema.upgrade(engine, "base")  # an empty, unversioned database
    assert schema.current_revision(engine) is None
    engine.dispose()
    assert hall("init", database_url=url).returncode == 0
    assert schema.current_revision(make_engine(url)) == schema.head_revision()


def test_init_upgrades_a_0001_database_keeping_its_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v1.sqlite'}"
    engine = make_engine(url)
    schema.upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO centres (code, name, address, timezone, ticket_header, ticket_footer,"
            " rating_scale, default_service_s, priority_categories)"
            " VALUES ('x', 'Trung tâm cũ', '', 'Asia/Ho_Chi_Minh', '', '', 3, 300, '[]')")
        connection.exec_driver_sql(
            "INSERT INTO devices (centre_id, kind, name, printer, token_hash, created_at)"
            " VALUES (1, 'kiosk', 'Ki-ốt cũ', 'none', 'abc', '2026-01-01 00:00:00')")
    engine.dispose()
    assert hall("init", database_url=url).returncode == 0
    engine = make_engine(url)
    with engine.connect() as connection:
        row = connection.exec_driver_sql("SELECT name, printer_state FROM devices").one()
        centres = connection.exec_driver_sql("SELECT name FROM centres").scalars().all()
    assert tuple(row) == ("Ki-ốt cũ", "unknown") and centres == ["Trung tâm cũ"]
    engine.dispose()


def test_user_and_token_commands(tmp_path: Path, sqlite_url: str) -> None:
    added = hall("user", "add", "canbo1", "--role", "officer", "--password-stdin",
                 "--full-name", "Trần Văn An", database_url=sqlite_url, stdin="mật-khẩu-dài\n")
    assert added.returncode == 0, added.stderr
    again = hall("user", "add", "canbo1", "--role", "officer", "--password-stdin",
                 database_url=sqlite_url, stdin="mật-khẩu-dài\n")
    assert again.returncode != 0 and "tồn tại" in again.stderr
    short = hall("user", "add", "x", "--role", "officer", "--password-stdin",
                 database_url=sqlite_url, stdin="123\n")
    assert short.returncode != 0
    created = hall("token", "create", "canbo1", database_url=sqlite_url)
    lines = created.stdout.splitlines()
    assert created.returncode == 0 and len(lines) == 1 and len(lines[0]) >= 40
    assert hall("token", "create", "nobody", database_url=sqlite_url).returncode != 0


def test_demo_then_run_serves_the_demo(tmp_path: Path) -> None:
    """`hall demo` prints working tokens; `hall run` serves them with gevent."""
    from tests.servers import Server

    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    instance = tmp_path / "instance"
    demo = hall("demo", database_url=url, instance=instance)
    assert demo.returncode == 0, demo.stderr
    assert "Hộ tịch" not in demo.stdout  # instructions, not data
    kiosk_line = next(line for line in demo.stdout.splitlines() if "/kiosk?token=" in line)
    kiosk_token = kiosk_line.rsplit("token=", 1)[1]
    again = hall("demo", database_url=url, instance=instance, PORT="5093")
    assert kiosk_token in again.stdout  # the same tokens are printed again
    assert "http://127.0.0.1:5093/kiosk?token=" in again.stdout  # where `PORT=5093 make run` serves
    assert ":5000" not in again.stdout
    with Server(url) as server:
        ticket = server.api("POST", "/tickets", kiosk_token, json={"field": "DD"})
        assert ticket.status_code == 201 and ticket.json()["number"] == "C001"
        fields = server.api("GET", "/fields", kiosk_token).json()
        assert [f["name"] for f in fields][:3] == ["Hộ tịch", "Chứng thực", "Đất đai"]
        assert len(fields) == 14
        spec = requests.get(server.url + "/api/v1/openapi.json", timeout=5).json()
        assert "/api/v1/counters/{number}/call-next" in spec["paths"]
        for line in demo.stdout.splitlines():  # every printed screen address pairs its screen
            if ("/display" in line or "/tablet" in line) and "?token=" in line:
                address = line.split(": ", 1)[1].strip().replace("http://127.0.0.1:5000", server.url)
                paired = requests.get(address, timeout=5, allow_redirects=False)
                assert paired.status_code == 302, address
    assert json.loads((instance / "demo-tokens.json").read_text())["kiosk:"] == kiosk_token


def test_backup_of_a_live_sqlite_file_restores_every_ticket(tmp_path: Path) -> None:
    """`hall backup` while kiosks keep issuing: the copy opens as a hall database and holds
    every ticket answered before the backup began, and nothing half-written."""
    import threading

    from tests.servers import Server

    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    instance = tmp_path / "instance"
    assert hall("demo", database_url=url, instance=instance).returncode == 0
    token = json.loads((instance / "demo-tokens.json").read_text())["kiosk:"]
    with Server(url) as server:
        before = [server.api("POST", "/tickets", token, json={"field": "HT"}).json()["id"]
                  for _ in range(30)]
        stop = threading.Event()

        def keep_issuing() -> None:
            while not stop.is_set():
                server.api("POST", "/tickets", token, json={"field": "CT"})

        kiosk = threading.Thread(target=keep_issuing)
        kiosk.start()
        try:
            copy = tmp_path / "backup.sqlite"
            made = hall("backup", str(copy), database_url=url, instance=instance)
        finally:
            stop.set()
            kiosk.join()
    assert made.returncode == 0, made.stderr
    assert "integrity ok" in made.stdout
    restored = tmp_path / "restored.sqlite"
    shutil.copy(copy, restored)
    engine = make_engine(f"sqlite:///{restored}")
    with engine.connect() as connection:
        ids = set(connection.scalars(select(Ticket.id)))
    engine.dispose()
    assert set(before) <= ids and len(ids) > len(before)  # and some issued during the copy
    assert hall("init", database_url=f"sqlite:///{restored}", instance=instance).returncode == 0
    refused = hall("backup", str(tmp_path / "hall.sqlite"), database_url=url, instance=instance)
    assert refused.returncode != 0 and "must not replace" in refused.stderr
