"""Alembic environment: leadgate's tables and version table live in schema `leadgate`.

Dagster's own storage (dagster-postgres) stamps `public.alembic_version`; keeping ours in our schema means the
two never collide on one server.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from leadgate_dagster.store.engine import engine_for
from leadgate_dagster.store.tables import SCHEMA, metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        with engine_for(config.get_main_option("sqlalchemy.url")).connect() as conn:
            _run(conn)
            conn.commit()
    else:
        _run(connection)


def _run(connection: sa.Connection) -> None:
    connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"'))
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table_schema=SCHEMA,
        include_schemas=True,
        include_name=lambda name, type_, parent: type_ != "schema" or name == SCHEMA,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
