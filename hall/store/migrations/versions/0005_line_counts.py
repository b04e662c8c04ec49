"""waiting counts per field line, kept by triggers on tickets

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 19:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# A ticket is in its field's own line while it waits and was not sent to a given counter.
IN_LINE = "{row}.status = 'waiting' AND {row}.target_counter_id IS NULL"
SQLITE_ADD = """
INSERT INTO line_counts (field_id, normal, priority)
SELECT NEW.field_id, NOT NEW.priority, NEW.priority WHERE {cond}
ON CONFLICT (field_id) DO UPDATE SET normal = normal + excluded.normal,
                                     priority = priority + excluded.priority;"""
SQLITE_REMOVE = """
UPDATE line_counts SET normal = normal - (NOT OLD.priority), priority = priority - OLD.priority
WHERE field_id = OLD.field_id AND {cond};"""
POSTGRES_FUNCTION = """
CREATE FUNCTION hall_line_counts() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'waiting' AND OLD.target_counter_id IS NULL THEN
        UPDATE line_counts SET normal = normal - (NOT OLD.priority)::int,
                               priority = priority - OLD.priority::int
        WHERE field_id = OLD.field_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'waiting' AND NEW.target_counter_id IS NULL THEN
        INSERT INTO line_counts (field_id, normal, priority)
        VALUES (NEW.field_id, (NOT NEW.priority)::int, NEW.priority::int)
        ON CONFLICT (field_id) DO UPDATE SET normal = line_counts.normal + excluded.normal,
                                             priority = line_counts.priority + excluded.priority;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql"""
BACKFILL = f"""
INSERT INTO line_counts (field_id, normal, priority)
SELECT field_id, SUM(CASE WHEN priority THEN 0 ELSE 1 END), SUM(CASE WHEN priority THEN 1 ELSE 0 END)
FROM tickets WHERE {IN_LINE.format(row="tickets")} GROUP BY field_id"""


def upgrade() -> None:
    op.create_table(
        "line_counts",
        sa.Column("field_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("normal", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["field_id"], ["fields.id"], name=op.f("fk_line_counts_field_id_fields")),
        sa.PrimaryKeyConstraint("field_id", name=op.f("pk_line_counts")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # no ticket may change between the count and the trigger (servers may be running)
        op.execute("LOCK TABLE tickets IN SHARE ROW EXCLUSIVE MODE")
        op.execute(BACKFILL)
        op.execute(POSTGRES_FUNCTION)
        op.execute("CREATE TRIGGER tickets_line_counts AFTER INSERT OR DELETE OR UPDATE OF "
                   "status, field_id, target_counter_id, priority ON tickets "
                   "FOR EACH ROW EXECUTE FUNCTION hall_line_counts()")
        return
    op.execute(BACKFILL)  # SQLite: the migration holds the write lock throughout
    new, old = IN_LINE.format(row="NEW"), IN_LINE.format(row="OLD")
    op.execute(f"CREATE TRIGGER tickets_line_insert AFTER INSERT ON tickets BEGIN"
               f"{SQLITE_ADD.format(cond=new)} END")
    op.execute(f"CREATE TRIGGER tickets_line_update AFTER UPDATE OF status, field_id, target_counter_id,"
               f" priority ON tickets BEGIN"
               f"{SQLITE_REMOVE.format(cond=old)}{SQLITE_ADD.format(cond=new)} END")
    op.execute(f"CREATE TRIGGER tickets_line_delete AFTER DELETE ON tickets BEGIN"
               f"{SQLITE_REMOVE.format(cond=old)} END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER tickets_line_counts ON tickets")
        op.execute("DROP FUNCTION hall_line_counts()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER tickets_line_{name}")
    op.drop_table("line_counts")
