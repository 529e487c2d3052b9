"""Run leadgate's Alembic migrations programmatically (`leadgate db upgrade`; demo and dev call it too)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

# Serialises concurrent upgrades (two processes starting at once) on the same server.
_MIGRATION_LOCK = 7_215_001


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("leadgate_dagster.store") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        cfg = alembic_config(engine.url.render_as_string(hide_password=False))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


@dataclass(frozen=True, slots=True)
class SchemaState:
    current: str | None  # None: never migrated
    head: str


def schema_state(engine: sa.Engine) -> SchemaState:
    """The database's migration revision and the package's head."""
    with engine.connect() as conn:
        current = MigrationContext.configure(conn, opts={"version_table_schema": "leadgate"}).get_current_revision()
    return SchemaState(current, _head())


@cache
def _head() -> str:
    return ScriptDirectory.from_config(alembic_config("postgresql://")).get_current_head() or ""
