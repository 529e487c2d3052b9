"""The qualified_leads view is its documentation (docs/qualified-leads.md), column for column; `leadgate qa`
uses its names; and migration 0006 goes down to the view 0001 created, and up again."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from leadgate_dagster.cli.qa import GATE_COLUMNS
from leadgate_dagster.store.engine import engine_for
from leadgate_dagster.store.migrate import alembic_config, upgrade
from tests.conftest import create_database, drop_database

DOC = Path(__file__).parents[2] / "docs" / "qualified-leads.md"
ROW = re.compile(r"^\| `([a-z0-9_]+)` \| ([a-z\[\]]+) \| (.+?) \| (stable|stable, open values|as given) \|$")
PG_TYPES = {"text": "text", "integer": "integer", "timestamp with time zone": "timestamptz", "ARRAY": "text[]"}


def _documented() -> list[tuple[str, str]]:
    section = DOC.read_text(encoding="utf-8").split("## Columns", 1)[1].split("\n## ", 1)[0]
    return [(m[1], m[2]) for line in section.splitlines() if (m := ROW.match(line))]


def _view_columns(conn: sa.Connection) -> list[tuple[str, str]]:
    rows = conn.execute(sa.text("""
        SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'leadgate' AND table_name = 'qualified_leads' ORDER BY ordinal_position"""))
    return [(name, PG_TYPES.get(kind, kind)) for name, kind in rows]


def test_the_doc_lists_exactly_the_views_columns_in_order_with_their_types(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        actual = _view_columns(conn)
    documented = _documented()
    assert len({n for n, _ in documented}) == len(documented), "a column is documented twice"
    assert documented == actual


def test_qa_output_uses_the_views_names_where_they_overlap(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        view = {name for name, _ in _view_columns(conn)}
    own = {"row", "score", "reason_codes", "reasons_text"}  # the dry run's own names (qa_score, qa_reason...)
    assert set(GATE_COLUMNS) - own <= view


def test_downgrade_restores_the_old_view_and_upgrade_brings_the_contract_back(server_url: str) -> None:
    name = f"leadgate_view_{uuid.uuid4().hex[:8]}"
    url = create_database(server_url, name)
    try:
        engine = engine_for(url)
        upgrade(engine)
        with engine.begin() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0005_scoring_inputs")
        with engine.connect() as conn:
            old = [n for n, _ in _view_columns(conn)]
            lead_columns = {c["name"] for c in sa.inspect(conn).get_columns("leads", schema="leadgate")}
        assert "channel" in old and "ip_hmac" not in old and "consent_sms_state" not in old
        assert "ip_hmac" not in lead_columns
        upgrade(engine)
        with engine.connect() as conn:
            assert [n for n, _ in _view_columns(conn)] == [n for n, _ in _documented()]
    finally:
        engine_for(url).dispose()
        drop_database(server_url, name)
