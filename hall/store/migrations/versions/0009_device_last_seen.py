"""devices.last_seen_at: when the device's screen was last connected (kept every 30 s while
it is, and when it leaves), for the administration's device list

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hall.models.base import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("last_seen_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("last_seen_at")
