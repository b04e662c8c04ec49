"""display settings, counter pauses, record codes (mã hồ sơ)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hall.models.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("added_at", hall.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_records_ticket_id_tickets")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_ticket_records_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_records")),
        sa.UniqueConstraint("ticket_id", "code", name=op.f("uq_ticket_records_ticket_id")),
    )
    with op.batch_alter_table("ticket_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_records_ticket_id"), ["ticket_id"], unique=False)
    with op.batch_alter_table("centres", schema=None) as batch_op:
        batch_op.add_column(sa.Column("display_settings", sa.JSON(), nullable=True))
    with op.batch_alter_table("counters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pause_reason", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("paused_at", hall.models.base.UTCDateTime(), nullable=True))
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("settings", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_column("settings")
    with op.batch_alter_table("counters", schema=None) as batch_op:
        batch_op.drop_column("paused_at")
        batch_op.drop_column("pause_reason")
    with op.batch_alter_table("centres", schema=None) as batch_op:
        batch_op.drop_column("display_settings")
    with op.batch_alter_table("ticket_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_records_ticket_id"))
    op.drop_table("ticket_records")
