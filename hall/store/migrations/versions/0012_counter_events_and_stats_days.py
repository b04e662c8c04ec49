"""counter_events: every open, close, pause (with its reason) and resume of a counter, for
officers' pause time; stats_days and stats_day_marks: closed service days rolled up for the
reports, and triggers on tickets and ratings that drop a day's mark whenever one of its
tickets or ratings changes (the next report then rolls the day up again)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hall.models.base import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

COUNTS = ("issued", "served", "no_show", "transferred", "cancelled", "very_satisfied", "satisfied",
          "neutral", "dissatisfied", "attitude", "waiting_time", "unclear_guidance",
          "complicated_procedure", "facilities", "other")

FORGET_DAY = ("DELETE FROM stats_day_marks WHERE centre_id = {row}.centre_id "
              "AND service_day = {row}.service_day;")
FORGET_RATED = ("DELETE FROM stats_day_marks WHERE (centre_id, service_day) IN "
                "(SELECT centre_id, service_day FROM tickets WHERE id = {row}.ticket_id);")
SQLITE_TRIGGERS = {
    "stats_tickets_insert": ("AFTER INSERT ON tickets", FORGET_DAY.format(row="NEW")),
    "stats_tickets_update": ("AFTER UPDATE ON tickets",
                             FORGET_DAY.format(row="NEW") + FORGET_DAY.format(row="OLD")),
    "stats_tickets_delete": ("AFTER DELETE ON tickets", FORGET_DAY.format(row="OLD")),
    "stats_ratings_insert": ("AFTER INSERT ON ratings", FORGET_RATED.format(row="NEW")),
    "stats_ratings_update": ("AFTER UPDATE ON ratings",
                             FORGET_RATED.format(row="NEW") + FORGET_RATED.format(row="OLD")),
    "stats_ratings_delete": ("AFTER DELETE ON ratings", FORGET_RATED.format(row="OLD")),
}
POSTGRES_FUNCTION = """
CREATE FUNCTION hall_stats_forget() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'tickets' THEN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM stats_day_marks WHERE centre_id = OLD.centre_id
                                          AND service_day = OLD.service_day;
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.centre_id, NEW.service_day)
                                IS DISTINCT FROM (OLD.centre_id, OLD.service_day)) THEN
            DELETE FROM stats_day_marks WHERE centre_id = NEW.centre_id
                                          AND service_day = NEW.service_day;
        END IF;
    ELSE
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM stats_day_marks m USING tickets t
            WHERE t.id = OLD.ticket_id AND m.centre_id = t.centre_id
              AND m.service_day = t.service_day;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            DELETE FROM stats_day_marks m USING tickets t
            WHERE t.id = NEW.ticket_id AND m.centre_id = t.centre_id
              AND m.service_day = t.service_day;
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql"""


def upgrade() -> None:
    op.create_table(
        "counter_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("centre_id", sa.Integer(), sa.ForeignKey("centres.id"), nullable=False),
        sa.Column("counter_id", sa.Integer(), sa.ForeignKey("counters.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("officer_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('open', 'close', 'pause', 'resume')",
                           name=op.f("ck_counter_events_kind")),
    )
    op.create_index("ix_counter_events_centre_at", "counter_events", ["centre_id", "at"])
    op.create_table(
        "stats_days",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("centre_id", sa.Integer(), sa.ForeignKey("centres.id"), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=True),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("hour", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.Column("waits", sa.Text(), nullable=True),
        sa.Column("services", sa.Text(), nullable=True),
    )
    op.create_index("ix_stats_days_centre_day", "stats_days", ["centre_id", "service_day"])
    op.create_table(
        "stats_day_marks",
        sa.Column("centre_id", sa.Integer(), sa.ForeignKey("centres.id"), primary_key=True),
        sa.Column("service_day", sa.Date(), primary_key=True),
        sa.Column("built_at", UTCDateTime(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for table in ("tickets", "ratings"):
            op.execute(f"CREATE TRIGGER stats_{table}_forget AFTER INSERT OR UPDATE OR DELETE "
                       f"ON {table} FOR EACH ROW EXECUTE FUNCTION hall_stats_forget()")
        return
    for name, (when, body) in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("tickets", "ratings"):
            op.execute(f"DROP TRIGGER stats_{table}_forget ON {table}")
        op.execute("DROP FUNCTION hall_stats_forget()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("stats_day_marks")
    op.drop_index("ix_stats_days_centre_day", table_name="stats_days")
    op.drop_table("stats_days")
    op.drop_index("ix_counter_events_centre_at", table_name="counter_events")
    op.drop_table("counter_events")
