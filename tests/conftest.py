"""Shared fixtures: a real Postgres for every test that needs one.

LEADGATE_TEST_DATABASE_URL (CI: the machine's PostgreSQL service) gets a throwaway database per test session,
dropped at the end; without it, an embedded PostgreSQL in a temporary folder. Never a file database, never a mock.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa

from leadgate_dagster.settings import with_driver
from leadgate_dagster.store.engine import engine_for
from leadgate_dagster.store.migrate import upgrade
from leadgate_dagster.store.tables import metadata

pytest.register_assert_rewrite("tests.awkward_values")  # its asserts explain a failure like a test's own


def _server_url() -> Iterator[str]:
    url = os.environ.get("LEADGATE_TEST_DATABASE_URL")
    if url:
        yield with_driver(url, "psycopg")
        return
    from leadgate_dagster.store.embedded import embedded_url, stop_embedded

    home = Path(tempfile.mkdtemp(prefix="lgt-", dir="/tmp"))
    try:
        yield embedded_url(home)
    finally:
        stop_embedded(home)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    yield from _server_url()


def create_database(server_url: str, name: str) -> str:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_url(server_url: str) -> Iterator[str]:
    """A migrated, throwaway database for this test session."""
    name = f"leadgate_test_{uuid.uuid4().hex[:10]}"
    url = create_database(server_url, name)
    upgrade(engine_for(url))
    yield url
    engine_for(url).dispose()
    drop_database(server_url, name)


@pytest.fixture
def engine(pg_url: str) -> sa.Engine:
    """The session database, emptied of leadgate rows before each test."""
    eng = engine_for(pg_url)
    names = ", ".join(f'leadgate."{t.name}"' for t in metadata.sorted_tables)
    with eng.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY"))
    return eng


@pytest.fixture(scope="session")
def dagster_instance(pg_url: str) -> Iterator[dg.DagsterInstance]:
    """A Dagster instance whose storage is dagster-postgres on the test database (instance_for_test alone is not)."""
    overrides = {"storage": {"postgres": {"postgres_url": with_driver(pg_url, "psycopg2")}}}
    with dg.instance_for_test(overrides=overrides) as instance:
        yield instance


def test_ruleset(tmp_path: Path, **intake: object) -> Path:
    """The shipped ruleset with sensor long-polling and the file-claim grace off (a test tick should not wait
    for work), plus `intake` overrides."""
    import json

    from leadgate_dagster.core.ruleset import load_ruleset

    body = load_ruleset().body
    body["intake"].update({"sensor_long_poll_seconds": 0, **intake})
    body["batching"]["file_claim_grace_seconds"] = 0
    path = tmp_path / f"rules-{uuid.uuid4().hex[:6]}.yaml"
    path.write_text(json.dumps(body))
    return path


@pytest.fixture
def resources(pg_url: str, tmp_path: Path) -> dict[str, object]:
    from leadgate_dagster.definitions import build_resources

    return build_resources(database_url=pg_url, inbox_path=str(tmp_path / "inbox"),
                           rules_path=str(test_ruleset(tmp_path)))
