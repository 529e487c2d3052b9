"""Migrations create, from an empty database, exactly the tables the code declares; and go down again."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from leadgate_dagster.store.engine import engine_for
from leadgate_dagster.store.migrate import alembic_config, upgrade
from leadgate_dagster.store.tables import SCHEMA, metadata
from tests.conftest import create_database, drop_database


def _diff(engine: sa.Engine) -> list[object]:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={
            "include_schemas": True, "version_table_schema": SCHEMA,
            "include_name": lambda name, type_, parent: type_ != "schema" or name == SCHEMA})
        return compare_metadata(ctx, metadata)


def test_upgrade_from_empty_matches_the_declared_tables(server_url: str) -> None:
    name = f"leadgate_mig_{uuid.uuid4().hex[:8]}"
    url = create_database(server_url, name)
    try:
        engine = engine_for(url)
        upgrade(engine)
        assert _diff(engine) == []
        upgrade(engine)  # a second upgrade is a no-op
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names(schema=SCHEMA))
            views = set(sa.inspect(conn).get_view_names(schema=SCHEMA))
            public = set(sa.inspect(conn).get_table_names(schema="public"))
        assert {"intake_events", "leads", "lead_checks", "dispositions", "persons", "rulesets"} <= tables
        assert "qualified_leads" in views
        assert "alembic_version" in tables and "alembic_version" not in public  # Dagster owns public's
        with engine.begin() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names(schema=SCHEMA)) == {"alembic_version"}
    finally:
        engine_for(url).dispose()
        drop_database(server_url, name)
