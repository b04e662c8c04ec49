"""An operator's road past the first install: upgrading a database an earlier release wrote
(`hall db upgrade`), moving a commune from SQLite to PostgreSQL (`hall db copy`), and
restoring PostgreSQL from pg_dump. The earlier release's database is tests/data/release-0010.sql,
made by tests/data/make_release_database.py running that release's own code."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from hall.store import schema
from hall.store.db import make_engine
from tests.servers import ROOT
from tests.servers import Server
from tests.test_cli import hall

RELEASE = ROOT / "tests" / "data" / "release-0010.sql"
TICKETS = ("SELECT id, number, status, field_id, counter_id, officer_id, issued_at, called_at,"
           " finished_at, tracking_token, transferred_from_id FROM tickets ORDER BY id")
BY_DAY = ("SELECT service_day, SUM(transferred_from_id IS NULL), SUM(status = 'done'),"
          " SUM(status = 'no_show'), SUM(status = 'transferred'), SUM(status = 'cancelled')"
          " FROM tickets GROUP BY service_day ORDER BY service_day")
STATS = {"from": "2026-03-02", "to": "2026-03-03", "by": "day"}


def release_file(folder: Path) -> str:
    """A SQLite file as the earlier release left it; its URL."""
    path = folder / "hall.sqlite"
    with sqlite3.connect(path) as connection:
        connection.executescript(RELEASE.read_text(encoding="utf-8"))
    connection.close()
    return f"sqlite:///{path}"


def rows(url: str, query: str) -> list[tuple[Any, ...]]:
    """The query's rows, times written as SQLite keeps them so both databases compare."""
    def plain(value: Any) -> Any:
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime) else value

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(map(plain, row)) for row in connection.execute(text(query))]
    finally:
        engine.dispose()


@contextmanager
def another_pg_database(pg_url: str) -> Iterator[str]:
    """One more empty PostgreSQL database beside the test's own, dropped afterwards."""
    head, _, _ = pg_url.rpartition("/")
    name = f"hall_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{head}/{name}"
    finally:
        with psycopg.connect(pg_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def token(url: str, user: str, instance: Path) -> str:
    made = hall("token", "create", user, database_url=url, instance=instance)
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def stats_by_day(server: Server, manager: str) -> list[tuple[Any, ...]]:
    answer = server.api("GET", "/stats", manager, params=STATS)
    assert answer.status_code == 200, answer.text
    return [(row["key"], row["issued"], row["served"], row["no_show"], row["transferred"],
             row["cancelled"]) for row in answer.json()["rows"]]


def test_upgrading_the_previous_release_keeps_every_ticket(tmp_path: Path) -> None:
    url = release_file(tmp_path)
    before = rows(url, TICKETS)
    assert len(before) == 26 and {row[2] for row in before} >= {
        "done", "no_show", "transferred", "cancelled", "waiting", "called"}
    upgraded = hall("db", "upgrade", database_url=url, instance=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"schema at {schema.head_revision()} (was 0010)" in upgraded.stdout
    assert rows(url, TICKETS) == before
    again = hall("db", "upgrade", database_url=url, instance=tmp_path)
    assert again.returncode == 0 and "(was" not in again.stdout
    manager = token(url, "manager", tmp_path)
    with Server(url) as server:
        # the reports read the old tickets as the tables hold them: a citizen's ticket
        # counted once however often transferred, each status where the ticket ended
        assert stats_by_day(server, manager) == rows(url, BY_DAY)
        rated = server.api("GET", "/stats", manager, params={**STATS, "by": "field"}).json()
        assert sum(row["ratings"]["by_level"]["very_satisfied"] for row in rated["rows"]) == rows(
            url, "SELECT count(*) FROM ratings WHERE level = 'very_satisfied'")[0][0] > 0
        called = server.api("GET", f"/tickets/{before[-1][0]}", manager)
        assert called.status_code == 200


@pytest.mark.postgres
def test_a_commune_moves_from_sqlite_to_postgresql(tmp_path: Path, pg_url: str) -> None:
    """`hall db copy`: the earlier release's file straight into PostgreSQL, then upgraded
    there; and an up-to-date file (with rolled-up report days) into another database. Both
    hold every row with its id, and hall goes on issuing on them."""
    url = release_file(tmp_path)
    before = rows(url, TICKETS)
    moved = hall("db", "copy", pg_url, database_url=url, instance=tmp_path)
    assert moved.returncode == 0, moved.stderr
    assert "26 tickets" in moved.stdout and "schema 0010" in moved.stdout
    assert hall("db", "upgrade", database_url=pg_url, instance=tmp_path).returncode == 0
    assert rows(pg_url, TICKETS) == before
    assert rows(pg_url, "SELECT field_id, normal, priority FROM line_counts WHERE normal + priority > 0"
                " ORDER BY field_id") == rows(url, "SELECT field_id, normal, priority FROM line_counts"
                                              " WHERE normal + priority > 0 ORDER BY field_id")

    refused = hall("db", "copy", pg_url, database_url=url, instance=tmp_path)
    assert refused.returncode != 0 and "empty database" in refused.stderr
    assert rows(pg_url, "SELECT count(*) FROM tickets") == [(26,)]

    assert hall("db", "upgrade", database_url=url, instance=tmp_path).returncode == 0
    manager = token(url, "manager", tmp_path)
    with Server(url) as server:
        on_sqlite = stats_by_day(server, manager)  # rolls the two days up into stats_days
    marks = "SELECT centre_id, service_day FROM stats_day_marks ORDER BY 1, 2"
    assert len(rows(url, marks)) == 2
    with another_pg_database(pg_url) as second:
        assert hall("db", "copy", second, database_url=url, instance=tmp_path).returncode == 0
        assert len(rows(second, marks)) == 2  # copied after the tickets that drop marks
        admin = token(second, "admin", tmp_path)
        with Server(second) as server:
            assert stats_by_day(server, token(second, "manager", tmp_path)) == on_sqlite
            kiosk = server.api("POST", "/devices", admin, json={"kind": "kiosk", "name": "Ki-ốt mới"})
            assert kiosk.status_code == 201, kiosk.text
            issued = server.api("POST", "/tickets", kiosk.json()["token"], json={"field": "HT"})
            assert issued.status_code == 201, issued.text
            assert issued.json()["id"] == before[-1][0] + 1  # the id sequence went on


@pytest.mark.postgres
def test_a_pg_dump_restores_every_ticket(tmp_path: Path, pg_url: str) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore are not installed (Debian: postgresql-client)")
    url = release_file(tmp_path)
    assert hall("db", "copy", pg_url, database_url=url, instance=tmp_path).returncode == 0
    dump = tmp_path / "hall.dump"
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", plain], check=True, timeout=60)
    with another_pg_database(pg_url) as restored:
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={restored}", str(dump)], check=True,
                       timeout=60)
        assert rows(restored, TICKETS) == rows(pg_url, TICKETS)
        assert hall("db", "upgrade", database_url=restored, instance=tmp_path).returncode == 0
