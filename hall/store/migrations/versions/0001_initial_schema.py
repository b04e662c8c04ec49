"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-21 20:26:32.420215
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hall.models.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "centres",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("opening_hours", sa.JSON(), nullable=True),
        sa.Column("ticket_header", sa.String(length=300), nullable=False),
        sa.Column("ticket_footer", sa.String(length=300), nullable=False),
        sa.Column("rating_scale", sa.Integer(), nullable=False),
        sa.Column("default_service_s", sa.Integer(), nullable=False),
        sa.Column("priority_categories", sa.JSON(), nullable=False),
        sa.CheckConstraint("rating_scale IN (3, 4)", name=op.f("ck_centres_rating_scale")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_centres")),
        sa.UniqueConstraint("code", name=op.f("uq_centres_code")),
    )
    op.create_table(
        "fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("icon", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=4), nullable=True),
        sa.Column("digits", sa.Integer(), nullable=False),
        sa.Column("block_start", sa.Integer(), nullable=True),
        sa.Column("block_end", sa.Integer(), nullable=True),
        sa.Column("target_wait_s", sa.Integer(), nullable=False),
        sa.Column("daily_capacity", sa.Integer(), nullable=True),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"], name=op.f("fk_fields_centre_id_centres")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fields")),
        sa.UniqueConstraint("centre_id", "code", name=op.f("uq_fields_centre_id")),
    )
    with op.batch_alter_table("fields", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fields_centre_id"), ["centre_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", hall.models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'manager', 'officer')", name=op.f("ck_users_role")),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"], name=op.f("fk_users_centre_id_centres")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_centre_id"), ["centre_id"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", hall.models.base.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", hall.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "counters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("state IN ('open', 'paused', 'closed')", name=op.f("ck_counters_state")),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"], name=op.f("fk_counters_centre_id_centres")),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"], name=op.f("fk_counters_officer_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counters")),
        sa.UniqueConstraint("centre_id", "number", name=op.f("uq_counters_centre_id")),
        sa.UniqueConstraint("officer_id", name=op.f("uq_counters_officer_id")),
    )
    with op.batch_alter_table("counters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_counters_centre_id"), ["centre_id"], unique=False)

    op.create_table(
        "ticket_sequences",
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_id"], ["fields.id"], name=op.f("fk_ticket_sequences_field_id_fields")
        ),
        sa.PrimaryKeyConstraint("field_id", "service_day", name=op.f("pk_ticket_sequences")),
    )
    op.create_table(
        "counter_fields",
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["counter_id"], ["counters.id"], name=op.f("fk_counter_fields_counter_id_counters")
        ),
        sa.ForeignKeyConstraint(["field_id"], ["fields.id"], name=op.f("fk_counter_fields_field_id_fields")),
        sa.PrimaryKeyConstraint("counter_id", "field_id", name=op.f("pk_counter_fields")),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=True),
        sa.Column("printer", sa.String(length=300), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", hall.models.base.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", hall.models.base.UTCDateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('kiosk', 'display', 'tablet')", name=op.f("ck_devices_kind")),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"], name=op.f("fk_devices_centre_id_centres")),
        sa.ForeignKeyConstraint(["counter_id"], ["counters.id"], name=op.f("fk_devices_counter_id_counters")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_devices_token_hash")),
    )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_devices_centre_id"), ["centre_id"], unique=False)

    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("origin_field_id", sa.Integer(), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("priority_category", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("issued_at", hall.models.base.UTCDateTime(), nullable=False),
        sa.Column("queued_at", hall.models.base.UTCDateTime(), nullable=False),
        sa.Column("called_at", hall.models.base.UTCDateTime(), nullable=True),
        sa.Column("started_at", hall.models.base.UTCDateTime(), nullable=True),
        sa.Column("finished_at", hall.models.base.UTCDateTime(), nullable=True),
        sa.Column("counter_id", sa.Integer(), nullable=True),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("target_counter_id", sa.Integer(), nullable=True),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("tracking_token", sa.String(length=64), nullable=False),
        sa.Column("transferred_from_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('waiting', 'called', 'serving', 'done', 'no_show', 'transferred', 'cancelled')",
            name=op.f("ck_tickets_status"),
        ),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"], name=op.f("fk_tickets_centre_id_centres")),
        sa.ForeignKeyConstraint(["counter_id"], ["counters.id"], name=op.f("fk_tickets_counter_id_counters")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_tickets_device_id_devices")),
        sa.ForeignKeyConstraint(["field_id"], ["fields.id"], name=op.f("fk_tickets_field_id_fields")),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"], name=op.f("fk_tickets_officer_id_users")),
        sa.ForeignKeyConstraint(
            ["origin_field_id"], ["fields.id"], name=op.f("fk_tickets_origin_field_id_fields")
        ),
        sa.ForeignKeyConstraint(
            ["target_counter_id"],
            ["counters.id"],
            name=op.f("fk_tickets_target_counter_id_counters"),
        ),
        sa.ForeignKeyConstraint(
            ["transferred_from_id"],
            ["tickets.id"],
            name=op.f("fk_tickets_transferred_from_id_tickets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_day", ["centre_id", "service_day"], unique=False)
        batch_op.create_index("ix_tickets_queue", ["centre_id", "status", "field_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_tracking_token"), ["tracking_token"], unique=False)
        batch_op.create_index(
            "uq_tickets_active_counter",
            ["counter_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('called', 'serving')"),
            postgresql_where=sa.text("status IN ('called', 'serving')"),
        )
        batch_op.create_index(
            "uq_tickets_number",
            ["origin_field_id", "service_day", "sequence"],
            unique=True,
            sqlite_where=sa.text("transferred_from_id IS NULL"),
            postgresql_where=sa.text("transferred_from_id IS NULL"),
        )

    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credential", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_idempotency_keys_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("credential", "key", "service_day", name=op.f("uq_idempotency_keys_credential")),
    )
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("rated_at", hall.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"], name=op.f("fk_ratings_centre_id_centres")),
        sa.ForeignKeyConstraint(["counter_id"], ["counters.id"], name=op.f("fk_ratings_counter_id_counters")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name=op.f("fk_ratings_device_id_devices")),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"], name=op.f("fk_ratings_officer_id_users")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_ratings_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_ratings_ticket_id")),
    )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ratings_centre_id"), ["centre_id"], unique=False)

    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", hall.models.base.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centres.id"], name=op.f("fk_ticket_events_centre_id_centres")
        ),
        sa.ForeignKeyConstraint(
            ["counter_id"], ["counters.id"], name=op.f("fk_ticket_events_counter_id_counters")
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_ticket_events_device_id_devices")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_events_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_ticket_events_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
    )
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_events_recent", ["centre_id", "kind", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_events_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_events_ticket_id"))
        batch_op.drop_index("ix_ticket_events_recent")

    op.drop_table("ticket_events")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ratings_centre_id"))

    op.drop_table("ratings")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_tickets_number",
            sqlite_where=sa.text("transferred_from_id IS NULL"),
            postgresql_where=sa.text("transferred_from_id IS NULL"),
        )
        batch_op.drop_index(
            "uq_tickets_active_counter",
            sqlite_where=sa.text("status IN ('called', 'serving')"),
            postgresql_where=sa.text("status IN ('called', 'serving')"),
        )
        batch_op.drop_index(batch_op.f("ix_tickets_tracking_token"))
        batch_op.drop_index("ix_tickets_queue")
        batch_op.drop_index("ix_tickets_day")

    op.drop_table("tickets")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_devices_centre_id"))

    op.drop_table("devices")
    op.drop_table("counter_fields")
    op.drop_table("ticket_sequences")
    with op.batch_alter_table("counters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counters_centre_id"))

    op.drop_table("counters")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_centre_id"))

    op.drop_table("users")
    with op.batch_alter_table("fields", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fields_centre_id"))

    op.drop_table("fields")
    op.drop_table("centres")
