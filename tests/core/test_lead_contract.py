"""The contract's derived columns: each channel rule fires exactly on the rows that break it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from leadgate_dagster.core.lead_contract import CHANNEL_RULES, contract_frame, score_maxima
from leadgate_dagster.core.ruleset import load_ruleset

RULES = load_ruleset()
CLEAN: dict[str, Any] = {
    "lead_id": "L1", "disposition": "ROUTE_SDR", "qa_status": "ROUTE_SDR", "qa_score": 70,
    "qa_score_reachability": 35, "qa_score_consent": 25, "qa_score_fit": 10, "qa_reason": ["CONSENT_PROOF_MISSING"],
    "allowed_channels": ["email", "sms", "voice"], "consent_email_state": "not_required",
    "consent_sms_state": "granted", "consent_voice_state": "granted_unproven", "phone_status": "valid",
    "phone_type": "mobile", "country_iso2": "US",
}


def _broken(**changes: Any) -> set[str]:
    frame = contract_frame(pd.DataFrame([{**CLEAN, **changes}]), RULES)
    return {rule for rule in CHANNEL_RULES if frame.loc[0, rule]}


@pytest.mark.parametrize(("changes", "broken"), [
    ({}, set()),
    ({"consent_sms_state": "not_given"}, {"sms_without_consent"}),
    ({"consent_sms_state": "granted_unproven"}, {"sms_without_consent"}),  # SMS closes on missing proof
    ({"consent_voice_state": "not_given"}, {"voice_without_consent"}),
    ({"consent_email_state": "ambiguous"}, set()),  # US email is opt-out: only a refusal closes it
    ({"consent_email_state": "refused"}, {"email_without_consent"}),
    ({"consent_email_state": "not_given", "country_iso2": "DE"}, {"email_without_consent"}),  # opt-in country
    ({"consent_email_state": "granted_unproven", "country_iso2": "DE"}, set()),
    ({"phone_type": "fixed_line"}, {"sms_without_mobile"}),
    ({"phone_type": "pager", "allowed_channels": ["email", "voice"]}, {"voice_without_phone"}),
    ({"phone_status": "invalid"}, {"sms_without_mobile", "voice_without_phone"}),
    ({"phone_type": "fixed_line", "reachability_inputs": {"line_type": "mobile", "phone": "valid"}}, set()),
    ({"reachability_inputs": {"line_type": "landline", "phone": "valid"}}, {"sms_without_mobile"}),
    ({"qa_reason": ["SUPPRESSED_DNC"], "allowed_channels": ["email"]}, {"channel_against_dnc"}),
    ({"consent_voice_state": "do_not_contact", "allowed_channels": ["email"]}, {"channel_against_dnc"}),
    ({"qa_reason": ["SUPPRESSED_DNC"], "allowed_channels": []}, set()),
], ids=["clean", "sms-not-given", "sms-unproven", "voice-not-given", "email-opt-out-ambiguous", "email-refused",
        "email-opt-in-country", "email-opt-in-country-granted", "sms-to-landline", "voice-to-pager",
        "invalid-number", "decision-saw-a-mobile", "decision-saw-a-landline", "dnc-reason", "dnc-state",
        "dnc-no-channel"])
def test_channel_rules(changes: dict[str, Any], broken: set[str]) -> None:
    assert _broken(**changes) == broken


def test_sum_of_parts_unknown_codes_and_channels() -> None:
    rows = pd.DataFrame([CLEAN, {**CLEAN, "lead_id": "L2", "qa_reason": ["EMAIL_DISPOSABLE", "NOT_A_CODE"],
                                 "allowed_channels": ["email", "fax"], "qa_score_fit": 11}])
    frame = contract_frame(rows, RULES)
    assert list(frame["qa_score_parts_sum"]) == [70, 71]
    assert list(frame["unknown_reason_codes"]) == [None, "NOT_A_CODE"]
    assert list(frame["unknown_channels"]) == [None, "fax"]
    assert "reachability_inputs" not in contract_frame(rows.assign(reachability_inputs=None), RULES)


def test_score_maxima_come_from_the_ruleset() -> None:
    assert score_maxima(RULES) == {"reachability": 40, "consent": 40, "fit": 20}


@pytest.mark.parametrize(("disposition", "owner", "broken"), [
    ("ROUTE_SDR", "ann@x.com", False), ("ROUTE_AE", "ae@x.com", False), ("ROUTE_SDR", None, False),
    ("NURTURE_EMAIL_ONLY", "ann@x.com", True), ("REJECT", "ann@x.com", True), ("REJECT", None, False)],
    ids=["sdr", "ae", "routed-without-owner", "nurture-with-owner", "reject-with-owner", "reject"])
def test_an_owner_only_on_a_routed_decision(disposition: str, owner: str | None, broken: bool) -> None:
    frame = contract_frame(pd.DataFrame([{**CLEAN, "disposition": disposition, "owner_email": owner}]), RULES)
    assert bool(frame.loc[0, "owner_without_route"]) is broken
