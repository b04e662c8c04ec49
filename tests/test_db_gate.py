"""The database rule under gevent: a transaction that yields never stops the other greenlets.

Each scenario runs in its own gevent-patched process (tests/gevent_gate.py) on a real SQLite
file. Before the write gate, the second writer waited in SQLite's busy handler, a C loop
that holds the only OS thread: the heartbeat stopped and the first writer could never reach
its commit until the busy timeout ran out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(tmp_path: Path, scenario: str) -> dict[str, Any]:
    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    done = subprocess.run([sys.executable, "-m", "tests.gevent_gate", url, scenario], cwd=ROOT,
                          capture_output=True, text=True, timeout=12)
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_writer_that_yields_makes_the_next_writer_wait_cooperatively(tmp_path: Path) -> None:
    result = run(tmp_path, "write-write")
    assert result["first_ok"] and result["second_ok"], result
    # the second writer went after the first committed (0.5 s hold), not 5 s later
    assert result["first_done_s"] < result["second_done_s"] < result["first_done_s"] + 0.3
    assert result["worst_heartbeat_gap_s"] < 0.1, result  # the hub never stopped
    assert result["name"] == "second"


def test_a_reader_that_yields_never_delays_a_writer(tmp_path: Path) -> None:
    result = run(tmp_path, "read-write")
    assert result["first_ok"] and result["second_ok"], result
    assert result["second_done_s"] < 0.3 < result["first_done_s"], result
    assert result["worst_heartbeat_gap_s"] < 0.1, result


def test_a_writer_that_dies_half_way_frees_the_lock_at_once(tmp_path: Path) -> None:
    result = run(tmp_path, "died")
    assert not result["first_ok"] and result["second_ok"], result
    assert result["second_done_s"] < 0.5, result
    assert result["worst_heartbeat_gap_s"] < 0.1, result
    assert result["name"] == "second"


@pytest.mark.parametrize("statement", ["INSERT", "update", "  DELETE"])
def test_strict_mode_refuses_a_write_in_a_read_transaction(tmp_path: Path, statement: str) -> None:
    from sqlalchemy import text

    from hall.store.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'strict.sqlite'}", strict=True)
    with engine.begin() as connection:
        with pytest.raises(RuntimeError, match="write statement in a read transaction"):
            connection.execute(text(f"{statement} {'INTO' if statement == 'INSERT' else ''} x"))
    engine.dispose()
