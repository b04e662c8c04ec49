"""centres.logo and centres.logo_version: the centre's logo (a PNG re-encoded by the server)
shown on kiosks, hall displays and tracking pages and printed on tickets, and its version for
the browsers' cache

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("centres") as batch:
        batch.add_column(sa.Column("logo", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("logo_version", sa.Integer(), nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("centres") as batch:
        batch.drop_column("logo_version")
        batch.drop_column("logo")
