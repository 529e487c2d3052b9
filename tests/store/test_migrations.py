"""Migrations create, from an empty database, exactly the tables the code declares; and go down again."""

from __future__ import annotations

import uuid

import pytest
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


def test_the_review_queue_migration_carries_identity_pairs_over_and_back(server_url: str) -> None:
    name = f"leadgate_mig_{uuid.uuid4().hex[:8]}"
    url = create_database(server_url, name)
    try:
        engine = engine_for(url)
        upgrade(engine, "0009_info_reasons_locality")
        with engine.begin() as conn:
            conn.execute(sa.text("""
                INSERT INTO leadgate.review_items (lead_id, candidate_person_id, candidate_lead_id, tier,
                                                   probability, explanation, created_at)
                VALUES ('l2', 'p1', 'l1', 'C', 0.7, 'similar names', '2026-12-01T10:00:00Z'),
                       ('l3', 'p1', 'l1', 'A', 0.99, 'same email, other name', '2026-12-01T11:00:00Z')"""))
        upgrade(engine)
        with engine.connect() as conn:
            items = conn.execute(sa.text(
                "SELECT lead_id, kind, status, reason_codes, due_at, expires_at - created_at AS ttl "
                "FROM leadgate.review_items ORDER BY lead_id")).all()
        assert [(i.lead_id, i.kind, i.status, i.reason_codes) for i in items] == [
            ("l2", "merge_candidate", "open", ["DUP_TIER_C"]), ("l3", "merge_candidate", "open", ["DUP_NAME_CONFLICT"])]
        assert items[0].due_at.isoformat() == "2026-12-01T14:00:00+00:00" and items[0].ttl.days == 10
        with engine.begin() as conn, pytest.raises(sa.exc.IntegrityError):  # one open item per (lead, kind, pair)
            conn.execute(sa.text("""
                INSERT INTO leadgate.review_items (kind, lead_id, candidate_lead_id, due_at, fallback_at, expires_at)
                VALUES ('merge_candidate', 'l2', 'l1', now(), now(), now())"""))
        with engine.begin() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0009_info_reasons_locality")
        with engine.connect() as conn:
            back = conn.execute(sa.text(
                "SELECT lead_id, candidate_lead_id, tier, status FROM leadgate.review_items ORDER BY lead_id")).all()
        assert [tuple(r) for r in back] == [("l2", "l1", "C", "open"), ("l3", "l1", "A", "open")]
    finally:
        engine_for(url).dispose()
        drop_database(server_url, name)
