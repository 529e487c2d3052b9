"""Info-severity codes (offline DNS, neutral score fallbacks, a locality placed from the postal code) stay in
the decision's reason codes but out of `qa_reason` and the stages' top reasons, and never change a
disposition; offline DNS is said once per run instead."""

from __future__ import annotations

import importlib
from collections import Counter

import sqlalchemy as sa

from leadgate_dagster.cli import main
from leadgate_dagster.core.disposition import decide
from leadgate_dagster.core.reasons import CATALOGUE, Severity
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.core.top_reasons import top_reasons
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.gate.mx import mx_lookup_for
from leadgate_dagster.gate.pipeline import BatchContext, run_batch
from leadgate_dagster.store.intake import claim_batches
from tests.core.scoring.conftest import AS_OF, batch, lead, with_rules
from tests.gate.scoring_helpers import ANN, lead_file

RULES = load_ruleset()
INFO = {c for c, r in CATALOGUE.items() if r.severity is Severity.INFO}
VIEW = importlib.import_module("leadgate_dagster.store.migrations.versions.0009_info_reasons_locality")


def test_the_codes_on_almost_every_lead_are_info_and_the_view_leaves_out_exactly_those() -> None:
    assert {"EMAIL_DOMAIN_UNVERIFIED", "SCORE_NEUTRAL_FALLBACK", "LOCALITY_FROM_POSTAL_CODE"} == INFO
    assert set(VIEW.INFO_CODES) == INFO  # a new info code needs a migration that recreates the view


def test_info_codes_never_change_a_disposition() -> None:
    leads = batch(*(lead(**{"reasons": sorted(INFO), **changes}) for changes in (
        {}, {"demo_requested": "yes"}, {"consent_sms": None, "consent_voice": None},
        {"email_status": "unknown", "consent_voice": None, "consent_sms": None},
        {"reasons": ["EMAIL_DISPOSABLE", *sorted(INFO)]})))
    as_warn = with_rules("severity_overrides: {" + ", ".join(f"{c}: warn" for c in sorted(INFO)) + "}")
    assert decide(leads, rules=RULES, as_of=AS_OF)["disposition"].tolist() == \
        decide(leads, rules=as_warn, as_of=AS_OF)["disposition"].tolist()


def test_top_reasons_leave_info_codes_out() -> None:
    codes = Counter({"EMAIL_DOMAIN_UNVERIFIED": 9, "SCORE_NEUTRAL_FALLBACK": 9, "PHONE_INVALID": 2, "NEW_CODE": 1})
    assert top_reasons(codes, RULES) == {"PHONE_INVALID": 2, "NEW_CODE": 1}


def test_qa_reason_leaves_info_codes_out_and_the_validation_report_says_dns_is_offline(engine) -> None:
    ingest_bytes(engine, lead_file(ANN.format(p="", i="info-1")), filename="info-1.csv", source="web", rules=RULES)
    [(batch_id, _)] = claim_batches(engine, max_events=10, max_batches=1, lease_seconds=60)
    reports = {r.stage.name: r.report for r in run_batch(BatchContext(engine, batch_id, RULES,
                                                                      mx_lookup_for(engine, RULES)))}
    validated = reports["validated_leads"]
    assert validated["dns_mode"] == "offline" and "DNS is offline" in validated["note"]
    assert not INFO & set(validated["top_reasons"]) and not INFO & set(reports["qualified_leads"]["top_reasons"])
    with engine.connect() as conn:
        codes, qa_reason = conn.execute(sa.text("""
            SELECT d.reason_codes, v.qa_reason FROM leadgate.leads l
            JOIN leadgate.dispositions d ON d.lead_id = l.lead_id AND d.is_current
            JOIN leadgate.qualified_leads v ON v.lead_id = l.lead_id
            WHERE l.batch_id = :b"""), {"b": batch_id}).one()
    assert {"EMAIL_DOMAIN_UNVERIFIED", "SCORE_NEUTRAL_FALLBACK"} <= set(codes)
    assert qa_reason == [c for c in codes if c not in INFO] and qa_reason


def test_qa_says_once_that_dns_is_offline(tmp_path, pg_url, engine, capsys) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(lead_file(ANN.format(p="", i="info-2")))
    assert main(["qa", str(src), "--out", str(tmp_path / "out.csv"), "--database-url", pg_url]) == 0
    assert capsys.readouterr().err.count("DNS is offline") == 1
