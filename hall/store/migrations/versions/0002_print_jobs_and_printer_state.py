"""print jobs and printer state

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 21:36:46.020735
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hall.models.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "print_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.Column("base_url", sa.String(length=300), nullable=False),
        sa.Column("created_at", hall.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", hall.models.base.UTCDateTime(), nullable=False),
        sa.Column("printed_at", hall.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_print_jobs_device_id_devices")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_print_jobs_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_jobs")),
    )
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_print_jobs_due", ["status", "device_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_print_jobs_ticket_id"), ["ticket_id"], unique=False)

    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("printer_state", sa.String(length=16), server_default="unknown", nullable=False)
        )
        batch_op.add_column(sa.Column("printer_checked_at", hall.models.base.UTCDateTime(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_column("printer_checked_at")
        batch_op.drop_column("printer_state")

    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_print_jobs_ticket_id"))
        batch_op.drop_index("ix_print_jobs_due")

    op.drop_table("print_jobs")
