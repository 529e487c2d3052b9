"""The qualified_leads contract on a table the gate really produced: it holds, and a tampered row fails the
expectation it breaks (and only that one), opens a `contract_failed` alert, and the alert resolves once the
row is right again. Also: the IP address is stored as a keyed HMAC and counts as SMS consent proof."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from leadgate_dagster import settings
from leadgate_dagster.core.ip_hmac import ip_hmac
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.contract import check_contract, run_contract
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.gate.pipeline import run_all_stages
from leadgate_dagster.store.intake import claim_batches

RULES = load_ruleset()
DEMO = (Path(__file__).parents[2] / "leadgate_dagster" / "examples" / "demo_leads.csv").read_bytes()
IP = "::ffff:198.51.100.23"  # an IPv4-mapped spelling: stored under the plain IPv4 address's HMAC


def _proof_leads() -> bytes:
    """Two leads with SMS consent and every proof item but the last alternative: one gives its IP, one not."""
    when = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    head = ("first_name,last_name,email,mobile,country,consent_email,consent_sms,consent_voice,consent_capture,"
            "consent_at,consent_text_version,ip,external_id\n")
    return (head + f"Ivy,Park,ivy.park@contoso.com,+1 415 839 2675,US,yes,yes,yes,checkbox,{when},v3,{IP},P-1\n"
                   f"Max,Hale,max.hale@contoso.com,+1 415 839 2676,US,yes,yes,yes,checkbox,{when},v3,,P-2\n"
            ).encode()


@pytest.fixture
def gated(engine: sa.Engine) -> sa.Engine:
    """The demo leads and the two proof leads through the five stages (no Dagster)."""
    for name, data in (("demo.csv", DEMO), ("proof.csv", _proof_leads())):
        ingest_bytes(engine, data, filename=name, source="contract", rules=RULES)
    while claimed := claim_batches(engine, max_events=1000, max_batches=1, lease_seconds=60):
        run_all_stages(engine, claimed[0][0], RULES)
    return engine


def _lead(engine: sa.Engine, external_id: str) -> str:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT lead_id FROM leadgate.leads WHERE external_id = :x"),
                            {"x": external_id}).scalar_one()


def _open_alerts(engine: sa.Engine) -> dict[str, dict[str, object]]:
    with engine.connect() as conn:
        return {r.subject: r.details for r in conn.execute(sa.text(
            "SELECT subject, details FROM leadgate.alerts WHERE kind = 'contract_failed' AND resolved_at IS NULL"))}


def test_the_gates_own_output_holds_the_contract(gated: sa.Engine) -> None:
    result = run_contract(gated, RULES)
    assert result.rows == 32 and len(result.outcomes) >= 20
    assert result.success, [(o.name, o.unexpected, o.lead_ids) for o in result.failed]


def test_the_ip_is_kept_as_a_keyed_hmac_and_proves_sms_consent(gated: sa.Engine) -> None:
    with_ip, without_ip = _lead(gated, "P-1"), _lead(gated, "P-2")
    with gated.connect() as conn:
        rows = {r.lead_id: r for r in conn.execute(sa.text(
            "SELECT lead_id, ip_hmac, allowed_channels, consent_sms_state, consent_checked_at, qa_at "
            "FROM leadgate.qualified_leads WHERE lead_id = ANY(:ids)"), {"ids": [with_ip, without_ip]})}
        view_columns = set(conn.execute(sa.text("SELECT * FROM leadgate.qualified_leads LIMIT 0")).keys())
    assert rows[with_ip].ip_hmac == ip_hmac("198.51.100.23", settings.hmac_key())
    assert rows[without_ip].ip_hmac is None and "ip" not in view_columns
    # SMS needs [ip | certificate | screenshot] as proof: only the lead with an IP has it
    assert "sms" in rows[with_ip].allowed_channels and rows[with_ip].consent_sms_state == "granted"
    assert "sms" not in rows[without_ip].allowed_channels and rows[without_ip].consent_sms_state == "granted_unproven"
    # consent_checked_at is the consent engine's as-of time, recorded with the decision, not a copy of qa_at
    checked, decided = rows[with_ip].consent_checked_at, rows[with_ip].qa_at
    assert checked is not None and checked != decided and abs(checked - decided) < timedelta(minutes=1)


TAMPERING = {
    "score-not-sum": ("UPDATE leadgate.dispositions SET score = score - 1 WHERE is_current AND lead_id = :l",
                      "P-1", "qa_score_is_sum_of_parts"),
    "unknown-reason": (("UPDATE leadgate.dispositions SET reason_codes = reason_codes || '{NOT_A_CODE}'::text[] "
                        "WHERE is_current AND lead_id = :l"), "P-1", "reason_codes_in_catalogue"),
    "sms-without-consent": (("UPDATE leadgate.dispositions SET allowed_channels = '{email,sms,voice}' "
                             "WHERE is_current AND lead_id = :l"), "P-2", "sms_without_consent"),
    "engagement-out-of-range": ("UPDATE leadgate.dispositions SET engagement_score = 140 WHERE is_current AND lead_id = :l",
                                "P-1", "qa_engagement_score_in_range"),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_a_tampered_row_fails_its_expectation_and_opens_then_resolves_an_alert(gated: sa.Engine, case: str) -> None:
    sql, external_id, expectation = TAMPERING[case]
    lead_id = _lead(gated, external_id)
    with gated.begin() as conn:
        before = conn.execute(sa.text("SELECT score, reason_codes, allowed_channels, engagement_score "
                                      "FROM leadgate.dispositions "
                                      "WHERE is_current AND lead_id = :l"), {"l": lead_id}).one()
        conn.execute(sa.text(sql), {"l": lead_id})
    result, alerts = check_contract(gated, RULES)
    assert [o.name for o in result.failed] == [expectation]
    [failed] = result.failed
    assert failed.unexpected == 1 and failed.lead_ids == [lead_id]
    assert alerts["alerts_open"] == 1 and set(_open_alerts(gated)) == {expectation}
    assert _open_alerts(gated)[expectation]["lead_ids"] == [lead_id]
    check_contract(gated, RULES)  # still failing: the same alert is refreshed, not duplicated
    with gated.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM leadgate.alerts WHERE kind = 'contract_failed'")
                            ).scalar_one() == 1
    with gated.begin() as conn:
        conn.execute(sa.text("UPDATE leadgate.dispositions SET score = :s, reason_codes = :r, allowed_channels = :a, "
                             "engagement_score = :e WHERE is_current AND lead_id = :l"),
                     {"s": before.score, "r": before.reason_codes, "a": before.allowed_channels,
                      "e": before.engagement_score, "l": lead_id})
    result, alerts = check_contract(gated, RULES)
    assert result.success and alerts["alerts_resolved"] == 1 and _open_alerts(gated) == {}


def test_the_window_checks_only_recent_decisions(gated: sa.Engine) -> None:
    lead_id = _lead(gated, "P-1")
    with gated.begin() as conn:
        conn.execute(sa.text("UPDATE leadgate.dispositions SET score = score - 1, decided_at = now() - interval "
                             "'30 days' WHERE is_current AND lead_id = :l"), {"l": lead_id})
    recent = run_contract(gated, RULES, window_days=7)
    assert recent.success and recent.rows == 31
    assert [o.name for o in run_contract(gated, RULES).failed] == ["qa_score_is_sum_of_parts"]


def test_an_owner_on_a_decision_that_routes_nowhere_fails_the_contract(gated: sa.Engine) -> None:
    with gated.begin() as conn:
        lead_id = conn.execute(sa.text(
            "UPDATE leadgate.dispositions SET owner_email = 'ghost@x.com' WHERE disposition_id = ("
            "SELECT min(disposition_id) FROM leadgate.dispositions WHERE is_current AND disposition = 'REJECT') "
            "RETURNING lead_id")).scalar_one()
    result, _ = check_contract(gated, RULES)
    assert [(o.name, o.lead_ids) for o in result.failed] == [("owner_without_route", [lead_id])]
