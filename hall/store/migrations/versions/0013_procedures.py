"""procedures: a centre's administrative procedures (papers, time limit, fee, online
service); tickets.procedure_id: the procedure a ticket was taken for; centres.print_procedure:
whether tickets print the procedure and its papers

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "procedures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("centre_id", sa.Integer(), sa.ForeignKey("centres.id"), nullable=False),
        sa.Column("field_id", sa.Integer(), sa.ForeignKey("fields.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("code", sa.String(32), nullable=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("name_en", sa.String(500), nullable=False, server_default=""),
        sa.Column("folded", sa.String(600), nullable=False, server_default=""),
        sa.Column("level", sa.String(16), nullable=True),
        sa.Column("time_limit", sa.String(300), nullable=False, server_default=""),
        sa.Column("fee_vnd", sa.Integer(), nullable=True),
        sa.Column("fee_note", sa.String(300), nullable=False, server_default=""),
        sa.Column("papers", sa.JSON(), nullable=False),
        sa.Column("online", sa.String(8), nullable=False, server_default="none"),
        sa.Column("portal_url", sa.String(500), nullable=True),
        sa.Column("visible", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_procedures_centre_id", "procedures", ["centre_id"])
    op.create_index("ix_procedures_field_id", "procedures", ["field_id"])
    op.create_index("ix_procedures_centre_code", "procedures", ["centre_id", "code"], unique=True)
    op.add_column("tickets", sa.Column("procedure_id", sa.Integer(), nullable=True))
    op.add_column("centres", sa.Column("print_procedure", sa.Boolean(), nullable=False,
                                       server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("centres", "print_procedure")
    op.drop_column("tickets", "procedure_id")
    op.drop_index("ix_procedures_centre_code", "procedures")
    op.drop_index("ix_procedures_field_id", "procedures")
    op.drop_index("ix_procedures_centre_id", "procedures")
    op.drop_table("procedures")
