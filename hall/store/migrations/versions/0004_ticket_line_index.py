"""an index that answers a ticket's place in line from the index alone

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 19:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tickets_line", "tickets",
                    ["field_id", "status", "target_counter_id", "priority", "queued_at"])


def downgrade() -> None:
    op.drop_index("ix_tickets_line", table_name="tickets")
