"""Items that hold no lead: the weekly seeded sample of automatic merges (merge_audit) and decisions whose
scoring signals a person should see (score_review); each raised once, however often the job runs."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from leadgate_dagster.core.review.clock import audit_week
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.review_queue import intake_items
from tests.gate.review_helpers import HIGH_VALUE, ROUTED, decide, items, now, rules_with

RULES = load_ruleset()


def test_last_weeks_automatic_merges_are_sampled_once_with_the_seed(engine: sa.Engine, tmp_path: Path) -> None:
    decide(engine, RULES, ROUTED)
    decide(engine, RULES, *[ROUTED.replace(",routed", f",again{i}") for i in range(3)])  # tier A: same address
    at = now()
    start, _, label = audit_week(at)
    with engine.begin() as conn:  # the merges happened last week
        merged = conn.execute(sa.text("UPDATE leadgate.lead_person SET matched_at = :t WHERE decision = 'auto_merge' "
                                      "RETURNING lead_id"), {"t": start + timedelta(days=2)}).scalars().all()
    assert len(merged) == 3
    rules = rules_with(tmp_path, merge_audit={"sample_size": 2, "seed": 7})
    first = intake_items(engine, rules, at)
    assert (first["merge_audits"], first["audit_week"]) == (2, label)
    audits = items(engine, kind="merge_audit")
    draw = sorted(merged, key=lambda lead: hashlib.md5(f"7:{label}:link:{lead}".encode()).hexdigest())
    assert {a.lead_id for a in audits} == set(draw[:2])  # the two smallest draws of the seed
    assert all(a.reason_codes == ["MERGE_AUDIT_SAMPLE"] and a.tier == "A" and a.candidate_lead_id for a in audits)
    assert intake_items(engine, rules, at)["merge_audits"] == 0
    assert intake_items(engine, rules, at + timedelta(days=7))["merge_audits"] == 0  # the next week has none


def test_a_high_value_account_not_with_an_ae_gets_one_score_review(engine: sa.Engine) -> None:
    ids = decide(engine, RULES, ROUTED, HIGH_VALUE)
    at = now()
    assert intake_items(engine, RULES, at)["score_reviews"] == 1
    [review] = items(engine, kind="score_review")
    assert (review.lead_id, review.reason_codes) == (ids["big"], ["HIGH_VALUE_ACCOUNT"])
    assert review.disposition_id is not None
    assert intake_items(engine, RULES, at)["score_reviews"] == 0
    assert intake_items(engine, RULES, at + timedelta(days=2))["score_reviews"] == 0  # outside the lookback
