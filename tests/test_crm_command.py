"""`leadgate crm sync / status` against the test database and a fake CRM: what it prints, its JSON, its exit
codes; no CRM URL leaves the outbox waiting."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from leadgate_dagster.cli import main
from leadgate_dagster.core.ruleset import load_ruleset
from tests.fake_crm import TOKEN, FakeCrm
from tests.gate.crm_helpers import assert_reconciled, outbox, route, routed_row

RULES = load_ruleset()


@pytest.fixture
def routed(engine: sa.Engine, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    monkeypatch.setenv("LEADGATE_CRM_TOKEN", TOKEN)
    monkeypatch.delenv("LEADGATE_CRM_URL", raising=False)
    return route(engine, RULES, routed_row(1), routed_row(2))


def test_sync_prints_what_it_sent_and_a_second_sync_sends_nothing(routed, engine: sa.Engine, monkeypatch,
                                                                   capsys) -> None:
    crm = FakeCrm()
    with crm.serving() as url:
        monkeypatch.setenv("LEADGATE_CRM_URL", url)
        assert main(["crm", "sync"]) == 0
        assert capsys.readouterr().out.startswith("leadgate crm sync: 2 persons: 2 sent (2 created, 0 updated")
        assert main(["crm", "sync", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["persons"] == 0
    assert_reconciled(engine, RULES, crm)
    assert main(["crm", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert (status["pending_rows"], status["last_hour/created"], status["age_check_passed"]) == (0, 2, True)


def test_without_a_crm_url_the_outbox_waits(routed, capsys) -> None:
    assert main(["crm", "sync"]) == 0
    assert "2 waiting for crm" in capsys.readouterr().out
    assert main(["crm", "status"]) == 0
    out = capsys.readouterr().out
    assert "pending_rows: 2" in out and "crm_outbox_age: ok" in out


def test_records_the_crm_refuses_exit_1_and_become_review_items(routed, monkeypatch, capsys) -> None:
    crm = FakeCrm()
    crm.schema.discard("leadgate_reason_codes")
    with crm.serving() as url:
        monkeypatch.setenv("LEADGATE_CRM_URL", url)
        assert main(["crm", "sync"]) == 1
    assert "2 refused by the CRM" in capsys.readouterr().out
    assert main(["review", "list", "--kind", "handoff_exception", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [i["reason_codes"] for i in found] == [["CRM_SCHEMA_MISMATCH"]] * 2


def test_backfill_announces_decisions_made_before_the_outbox_once(routed, engine: sa.Engine, capsys) -> None:
    with engine.begin() as conn:  # as if decided before migration 0015
        conn.execute(sa.text("DELETE FROM leadgate.crm_outbox"))
    for written in (2, 0):
        assert main(["crm", "backfill"]) == 0
        assert capsys.readouterr().out.startswith(f"leadgate crm backfill: {written} decisions announced")
    assert [r.cause for r in outbox(engine)] == ["backfill", "backfill"]
