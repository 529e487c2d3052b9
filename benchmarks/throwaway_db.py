"""A database of its own for one benchmark run, on a server the caller names, dropped when the run ends."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from leadgate_dagster.settings import with_driver
from leadgate_dagster.store.engine import engine_for


@contextmanager
def throwaway_database(server_url: str, prefix: str) -> Iterator[str]:
    """Create `<prefix>_<random>` on the server of `server_url`; yields its URL; drops it (and the pooled
    engine's connections) afterwards, however the run ends."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    server = with_driver(server_url, "psycopg")
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        engine_for(url).dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
