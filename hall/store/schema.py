"""Schema upgrades with Alembic, and the default centre."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.models import Centre

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (idempotent)."""
    from hall.store.db import writer

    config = alembic_config()
    with writer(engine).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def ensure_default_centre(session: Session, timezone: str) -> Centre:
    """The first centre, created on an empty database."""
    centre = session.scalars(select(Centre).order_by(Centre.id).limit(1)).first()
    if centre is None:
        centre = Centre(code="default", name="Trung tâm Phục vụ hành chính công",
                        timezone=timezone)
        session.add(centre)
        session.flush()
    return centre
