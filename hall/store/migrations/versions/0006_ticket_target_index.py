"""indexes that give the head of every line in call order, so calling the next ticket probes
each line instead of sorting every waiting ticket: one for each field's own line (partial:
tickets sent to no counter), one for the tickets sent to a counter; both end with the id, the
last key of the call order

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_UNSENT = sa.text("target_counter_id IS NULL")
_SENT = sa.text("target_counter_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_tickets_line", table_name="tickets")
    op.create_index("ix_tickets_line", "tickets",
                    ["field_id", "status", "priority", "queued_at", "id"],
                    sqlite_where=_UNSENT, postgresql_where=_UNSENT)
    op.create_index("ix_tickets_target", "tickets",
                    ["target_counter_id", "status", "priority", "queued_at", "id"],
                    sqlite_where=_SENT, postgresql_where=_SENT)


def downgrade() -> None:
    op.drop_index("ix_tickets_target", table_name="tickets")
    op.drop_index("ix_tickets_line", table_name="tickets")
    op.create_index("ix_tickets_line", "tickets",
                    ["field_id", "status", "target_counter_id", "priority", "queued_at"])
