"""Copy every row of one hall database into another: a commune that outgrew its SQLite file
moves to PostgreSQL (`hall db copy postgresql://…`).

The target must hold no centre yet. It is brought to the source's schema revision by the
same migrations, then every table is copied in the order of its foreign keys, keeping ids
(so numbering, tracking links and tokens go on as before), all in one transaction on the
target: a failure leaves it as it was. The source is read in one transaction too, one
consistent picture even if a server were still writing; stop the servers all the same,
or what they write after the picture is not copied.

Tables kept by triggers are not copied but remade by them: `line_counts` as the tickets
arrive; `stats_day_marks` (which days' roll-ups are current) goes last, after the tickets
whose arrival drops marks."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy import MetaData
from sqlalchemy import Table
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from hall.store import schema
from hall.store.db import writer


class CopyRefused(Exception):
    """The copy cannot start (or did not arrive whole): nothing was changed in the target."""


BATCH = 2000
REMADE = {"alembic_version", "line_counts"}
LAST = ("stats_day_marks",)


def _tables(metadata: MetaData) -> list[Table]:
    ordered = [table for table in metadata.sorted_tables if table.name not in REMADE]
    return ([table for table in ordered if table.name not in LAST]
            + [table for table in ordered if table.name in LAST])


def copy_database(source: Engine, target: Engine,
                  progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy `source` into the empty `target`; returns the rows copied per table."""
    revision = schema.current_revision(source)
    if revision is None:
        raise CopyRefused("the source database has no hall schema")
    if source.url == target.url:
        raise CopyRefused("the source and the target are the same database")
    found = MetaData()
    found.reflect(target)
    if "centres" in found.tables:
        with target.connect() as connection:
            if connection.scalar(select(func.count()).select_from(found.tables["centres"])):
                raise CopyRefused("the target already holds a centre: copy into an empty database")
    schema.upgrade(target, revision)
    if schema.current_revision(target) != revision:
        raise CopyRefused(f"the target's schema is at {schema.current_revision(target)}, "
                          f"newer than the source's {revision}: upgrade the source first "
                          "(hall db upgrade)")
    reading, writing = MetaData(), MetaData()
    reading.reflect(source)
    writing.reflect(target)
    copied: dict[str, int] = {}
    with source.connect() as src, writer(target).begin() as dst:
        src.execute(text("SELECT 1"))  # one read transaction: one consistent picture
        for table in _tables(writing):
            origin = reading.tables[table.name]
            names = [column.name for column in table.columns if column.name in origin.columns]
            order = [origin.columns[c.name] for c in table.primary_key.columns] or \
                    [origin.columns[names[0]]]
            rows = src.execution_options(yield_per=BATCH).execute(
                select(*(origin.columns[name] for name in names)).order_by(*order))
            count = 0
            for batch in rows.partitions(BATCH):
                dst.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in batch])
                count += len(batch)
            copied[table.name] = count
            if progress is not None:
                progress(table.name, count)
        if target.dialect.name == "postgresql":
            _move_sequences(dst, writing)
        for table in _tables(writing):  # what arrived is what was read
            stored = dst.scalar(select(func.count()).select_from(table))
            if stored != copied[table.name]:
                raise CopyRefused(f"{table.name}: {copied[table.name]} rows copied but "
                                  f"{stored} arrived; nothing was kept")
    return copied


def _move_sequences(connection: object, metadata: MetaData) -> None:
    """PostgreSQL's id sequences continue after the copied ids."""
    for table in metadata.sorted_tables:
        if "id" not in table.columns or not table.columns["id"].primary_key:
            continue
        connection.execute(text(  # type: ignore[attr-defined]
            "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 1), "
            f"(SELECT MAX(id) FROM \"{table.name}\") IS NOT NULL) "
            "WHERE pg_get_serial_sequence(:table, 'id') IS NOT NULL"), {"table": table.name})
