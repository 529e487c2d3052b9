"""decide(): the ordered precedence, allowed channels, duplicates and pending matches, and the output contract."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadgate_dagster.core.disposition import OUTPUT_COLUMNS, decide
from leadgate_dagster.core.disposition_policy import disposition_policy
from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.ruleset import Ruleset, load_ruleset
from tests.core.scoring.conftest import AS_OF, batch, lead, with_rules

DNC = pd.DataFrame({"key_type": ["email"], "key": ["ann.lee@northwind.com"], "channel": ["all"]})


def _decide(*rows: dict[str, Any], rules: Ruleset | None = None, **kwargs: Any) -> pd.DataFrame:
    return decide(batch(*rows), rules=rules or load_ruleset(), as_of=AS_OF, **kwargs)


@pytest.mark.parametrize(("changes", "kwargs", "disposition", "code"), [
    ({"demo_requested": "yes"}, {"suppressions": DNC}, "REJECT", "SUPPRESSED_DNC"),
    ({"demo_requested": "yes", "reasons": ["NO_REACHABLE_CHANNEL"]}, {}, "REJECT", "NO_REACHABLE_CHANNEL"),
    ({"demo_requested": "yes", "reasons": ["EMAIL_DISPOSABLE"]}, {}, "QUARANTINE_REVIEW", "EMAIL_DISPOSABLE"),
    ({"demo_requested": "yes", "consent_sms": "maybe"}, {}, "QUARANTINE_REVIEW", "CONSENT_AMBIGUOUS"),
    ({"demo_requested": "yes", "pending_match": "B"}, {}, "QUARANTINE_REVIEW", "DUP_TIER_B"),
    ({"demo_requested": "yes", "country_iso2": "IR"}, {}, "REJECT", "GEO_INELIGIBLE"),
    ({"demo_requested": "yes"}, {}, "ROUTE_AE", None),
    ({}, {"events": pd.DataFrame({"lead_id": ["L0"], "event_type": ["demo_request"],
                                  "occurred_at": [AS_OF - pd.Timedelta(days=1)]})}, "ROUTE_AE", None),
    ({}, {}, "ROUTE_SDR", None),
    ({"consent_sms": None, "consent_voice": None}, {}, "NURTURE_EMAIL_ONLY", "NO_SMS_CONSENT"),
    ({"consent_sms": None, "consent_voice": None, "consent_email": None}, {}, "NURTURE_EMAIL_ONLY", "SCORE_LOW"),
    ({"email_status": "invalid", "consent_voice": None, "consent_sms": None, "phone_type": "mobile"}, {},
     "QUARANTINE_REVIEW", "SCORE_BORDERLINE"),
    ({"email_status": "invalid", "phone_status": "invalid"}, {}, "REJECT", "NO_ALLOWED_CHANNEL"),
    ({"industry": "gambling", "demo_requested": "yes"}, {}, "ROUTE_AE", None),
], ids=["suppressed-demo-request", "reject-code-beats-demo", "quarantine-code-beats-qualified",
        "ambiguous-consent", "pending-tier-b", "geo-ineligible", "demo-form-field", "demo-event", "sdr",
        "email-only-qualified", "email-only-unqualified", "borderline-no-email", "nothing-open",
        "no-exclusions-shipped"])
def test_precedence(changes: dict[str, Any], kwargs: dict[str, Any], disposition: str, code: str | None) -> None:
    row = _decide(lead(**changes), **kwargs).iloc[0]
    assert row["disposition"] == disposition
    if code:
        assert code in row["reason_codes"]


def test_product_exclusion_keeps_a_lead_from_routing() -> None:
    rules = with_rules("eligibility: {exclusions: {industries: [gambling]}}")
    row = _decide(lead(industry="Gambling", demo_requested="yes"), rules=rules).iloc[0]
    assert row["disposition"] == "NURTURE_EMAIL_ONLY" and "PRODUCT_EXCLUDED" in row["reason_codes"]


@pytest.mark.parametrize(("changes", "channels"), [
    ({}, ["email", "sms", "voice"]),
    ({"phone_type": "fixed_line"}, ["email", "voice"]),
    ({"consent_sms": None}, ["email", "voice"]),
    ({"consent_text_version": None}, ["email", "voice"]),
    ({"phone_type": "pager", "phone_status": "invalid"}, ["email"]),
    ({"phone_type": "premium_rate"}, ["email"]),
    ({"email_status": "risky", "email_flags": ["catch_all"]}, ["email", "sms", "voice"]),
    ({"email_status": "risky", "email_flags": ["role"]}, ["sms", "voice"]),
    ({"email_status": "unknown", "reasons": ["EMAIL_DNS_UNAVAILABLE"]}, ["email", "sms", "voice"]),
    ({"email_status": "unknown"}, ["sms", "voice"]),
], ids=["all", "landline-no-sms", "no-sms-consent", "sms-without-proof", "pager", "premium-rate",
        "catch-all", "risky-role", "unknown-with-reason", "unknown-without-reason"])
def test_allowed_channels(changes: dict[str, Any], channels: list[str]) -> None:
    assert _decide(lead(**changes)).iloc[0]["allowed_channels"] == channels


def test_voice_never_against_dnc() -> None:
    voice_dnc = pd.DataFrame({"key_type": ["phone"], "key": ["+14158392671"], "channel": ["voice"]})
    row = _decide(lead(), suppressions=voice_dnc).iloc[0]
    assert "voice" not in row["allowed_channels"] and "CONSENT_REVOKED" in row["reason_codes"]
    assert row["disposition"] == "ROUTE_SDR"  # SMS is still open


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.fixed_dictionaries({
    "phone_type": st.sampled_from(["mobile", "fixed_line", "fixed_line_or_mobile", "voip", "pager", None]),
    "phone_status": st.sampled_from(["valid", "invalid", "risky", "unknown", "missing"]),
    "consent_sms": st.sampled_from(["yes", "no", None, "?"]),
    "consent_voice": st.sampled_from(["yes", "no", None]),
    "consent_text_version": st.sampled_from(["v1", None]),
    "demo_requested": st.sampled_from(["yes", None]),
    "reasons": st.sampled_from([[], ["EMAIL_INVALID"], ["NO_REACHABLE_CHANNEL"], ["DUP_TIER_A"]]),
}), min_size=1, max_size=6))
def test_invariants(rows: list[dict[str, Any]]) -> None:
    out = _decide(*(lead(**r) for r in rows))
    assert list(out.columns) == list(OUTPUT_COLUMNS) and len(out) == len(rows)
    assert out["disposition"].isin(["ROUTE_SDR", "ROUTE_AE", "NURTURE_EMAIL_ONLY", "QUARANTINE_REVIEW",
                                    "REJECT"]).all()
    assert (out["score"] == out["score_reachability"] + out["score_consent"] + out["score_fit"]).all()
    assert out["score"].between(0, 100).all()
    for r, (_, row) in zip(rows, out.iterrows(), strict=True):
        assert set(row["reason_codes"]) <= set(CATALOGUE)
        if "sms" in row["allowed_channels"]:  # SMS only to a mobile line with proven SMS consent
            assert r["phone_type"] in {"mobile", "fixed_line_or_mobile"} and r["consent_sms"] == "yes"
            assert r["consent_text_version"] is not None and r["phone_status"] == "valid"
        if "voice" in row["allowed_channels"]:
            assert r["consent_voice"] == "yes" and r["phone_type"] != "pager"
        if row["disposition"] in {"ROUTE_SDR", "ROUTE_AE"}:
            assert row["allowed_channels"]


def test_duplicate_of_an_open_routed_lead_keeps_that_disposition() -> None:
    dup = {"duplicate_of": "lead-1", "duplicate_of_disposition": "ROUTE_AE", "duplicate_tier": "A"}
    out = _decide(lead(**dup, consent_sms=None, consent_voice=None), lead(**dup, country_iso2="IR"),
                  lead(duplicate_of="lead-1", duplicate_of_disposition="NURTURE_EMAIL_ONLY"))
    assert out["disposition"].tolist() == ["ROUTE_AE", "REJECT", "ROUTE_SDR"]
    assert out["disposition_rule"].tolist() == ["duplicate_of_routed", "reject_code", "qualified_phone"]
    assert "DUP_TIER_A" in out["reason_codes"].iloc[0]


def test_the_policy_is_data_reordering_it_changes_the_outcome() -> None:
    rules = with_rules("""
disposition:
  precedence:
    - {when: qualified_phone, then: ROUTE_SDR}
    - {when: suppressed, then: REJECT}
    - {when: always, then: REJECT, add: [NOT_QUALIFIED]}
""")
    assert _decide(lead(), rules=rules, suppressions=DNC).iloc[0]["disposition"] == "REJECT"  # DNC closed all
    assert _decide(lead(reasons=["NO_REACHABLE_CHANNEL"]), rules=rules).iloc[0]["disposition"] == "ROUTE_SDR"


@pytest.mark.parametrize("fragment", [
    "disposition: {precedence: [{when: qualified_phone, then: ROUTE_SDR}]}",
    "disposition: {precedence: [{when: always, then: inherit}]}",
    "disposition: {precedence: [{when: always, then: ROUTE_MAYBE}]}",
    "disposition: {precedence: [{when: always, then: REJECT, add: [NOT_A_CODE]}]}",
], ids=["no-always", "inherit-without-duplicate", "unknown-disposition", "unknown-code"])
def test_a_policy_that_could_leave_a_lead_undecided_is_refused(fragment: str) -> None:
    with pytest.raises(ValueError):
        disposition_policy(with_rules(fragment))


def test_score_inputs_record_versions_parts_and_priority_as_json() -> None:
    import json

    row = _decide(lead(demo_requested="yes")).iloc[0]
    doc = json.loads(json.dumps(row["score_inputs"], allow_nan=False))
    assert doc["ruleset_version"] == load_ruleset().version and doc["priority"]["model_version"] == "rules"
    assert doc["priority"]["priority_reason"] == "MODEL_NOT_TRAINED"
    assert doc["reachability"]["points"] == row["score_reachability"] and doc["fit"]["points"] == row["score_fit"]
    assert doc["channels"]["rule"] == "qualified_demo"


def test_empty_batch_keeps_the_contract() -> None:
    out = decide(batch(lead()).iloc[0:0], rules=load_ruleset())
    assert out.empty and list(out.columns) == list(OUTPUT_COLUMNS)
