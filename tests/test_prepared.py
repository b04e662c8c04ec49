"""Statements run on the DBAPI cursor (hall.store.db.Prepared) write the same rows as Core
and fail with SQLAlchemy's exceptions, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import JSON
from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import Engine
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hall.models.base import UTCDateTime
from hall.store.db import Prepared
from hall.store.db import make_engine
from hall.store.db import writer


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'prepared.sqlite'}"
    return str(request.getfixturevalue("pg_url"))


def _table(url: str) -> tuple[Engine, Table, dict[str, Any]]:
    """An empty table with a time, a date and JSON, and one row's values for it."""
    engine = make_engine(url)
    metadata = MetaData()
    rows = Table("rows", metadata, Column("id", Integer, primary_key=True),
                 Column("at", UTCDateTime), Column("day", Date), Column("data", JSON))
    metadata.create_all(writer(engine))
    moment = datetime(2026, 12, 1, 8, 30, 15, 123456, tzinfo=UTC)
    return engine, rows, {"at": moment, "day": moment.date(), "data": {"số": "A001", "n": [1, 2]}}


def test_prepared_rows_match_core_and_errors_are_sqlalchemys(url: str) -> None:
    engine, rows, values = _table(url)
    prepared = Prepared(insert(rows).values(
        {key: bindparam(key) for key in ("id", *values)}).returning(rows.c.id))
    with Session(writer(engine)) as session:
        assert prepared.run(session, {"id": 1, **values}).fetchone()[0] == 1
        session.execute(insert(rows), {"id": 2, **values})  # the same row through Core
        with pytest.raises(IntegrityError):
            prepared.run(session, {"id": 1, **values})
        session.rollback()
    with Session(engine) as session:  # the rollback took both rows away
        assert session.execute(select(rows.c.id)).all() == []
    engine.dispose()


def test_prepared_and_core_store_identical_values(url: str) -> None:
    engine, rows, values = _table(url)
    prepared = Prepared(insert(rows).values({key: bindparam(key) for key in ("id", *values)}))
    with Session(writer(engine)) as session:
        prepared.run(session, {"id": 1, **values})
        session.execute(insert(rows), {"id": 2, **values})
        session.commit()
    with Session(engine) as session:
        first, second = session.execute(
            select(rows.c.at, rows.c.day, rows.c.data).order_by(rows.c.id)).all()
    assert first == second == (values["at"], values["day"], values["data"])
    engine.dispose()
