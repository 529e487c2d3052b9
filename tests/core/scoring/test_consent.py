"""Consent per channel: what opens a channel, what closes it, and the codes a reviewer sees."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from leadgate_dagster.core.consent import evaluate_consent
from leadgate_dagster.core.consent_policy import CaptureType, consent_policy, normalize_capture
from leadgate_dagster.core.ruleset import Ruleset
from tests.core.scoring.conftest import AS_OF, batch, lead, with_rules


def _one(row: dict[str, Any], rules: Ruleset, suppressions: pd.DataFrame | None = None) -> tuple[dict[str, Any],
                                                                                                    list[str]]:
    result = evaluate_consent(batch(row), rules=rules, suppressions=suppressions, as_of=AS_OF)
    return result.frame.iloc[0].to_dict(), result.findings.as_lists()[0]


@pytest.mark.parametrize(("changes", "permitted", "codes"), [
    ({}, {"email": True, "sms": True, "voice": True}, []),
    ({"consent_sms": None}, {"email": True, "sms": False, "voice": True}, []),
    ({"consent_sms": "no", "consent_voice": "NO"}, {"email": True, "sms": False, "voice": False}, []),
    ({"consent_sms": "maybe later"}, {"email": True, "sms": False, "voice": True}, ["CONSENT_AMBIGUOUS"]),
    ({"consent_text_version": None}, {"email": True, "sms": False, "voice": True}, ["CONSENT_PROOF_MISSING"]),
    ({"ip_hmac": None}, {"email": True, "sms": False, "voice": True}, ["CONSENT_PROOF_MISSING"]),
    ({"ip_hmac": None, "consent_certificate_id": "TF-123"}, {"email": True, "sms": True, "voice": True}, []),
    ({"consent_capture": "List Import"}, {"email": True, "sms": False, "voice": False},
     ["CONSENT_CAPTURE_NOT_ACCEPTED"]),
    ({"consent_at": "2024-01-02T00:00:00Z"}, {"email": True, "sms": False, "voice": False}, ["CONSENT_EXPIRED"]),
    ({"consent_at": "2027-06-01T00:00:00Z"}, {"email": True, "sms": False, "voice": True},
     ["CONSENT_PROOF_MISSING"]),
    ({"consent_email": None, "country_iso2": "DE"}, {"email": False, "sms": True, "voice": True}, []),
    ({"consent_email": None}, {"email": True, "sms": True, "voice": True}, []),
    ({"consent_email": "unsubscribed"}, {"email": False, "sms": True, "voice": True}, []),
], ids=["all-proven", "no-sms-consent", "refused", "ambiguous", "no-consent-text", "no-ip",
        "certificate-instead-of-ip", "imported-list", "expired", "future-timestamp", "de-needs-email-opt-in",
        "us-email-opt-out-regime", "email-refused"])
def test_channel_permission(rules: Ruleset, changes: dict[str, Any], permitted: dict[str, bool],
                            codes: list[str]) -> None:
    frame, found = _one(lead(**changes), rules)
    assert {ch: frame[f"consent_{ch}_permitted"] for ch in permitted} == permitted
    assert found == codes


def test_dnc_closes_every_channel_whatever_the_consent(rules: Ruleset) -> None:
    sup = pd.DataFrame({"key_type": ["phone"], "key": ["+1 (415) 839-2671"], "channel": ["all"]})
    frame, found = _one(lead(), rules, sup)
    assert not any(frame[f"consent_{ch}_permitted"] for ch in ("email", "sms", "voice"))
    assert found == ["SUPPRESSED_DNC"] and frame["consent_sms_state"] == "do_not_contact"


@pytest.mark.parametrize(("entry", "closed"), [
    ({"key_type": "email", "key": "ANN.LEE@northwind.com", "channel": "email"}, {"email"}),
    ({"key_type": "phone", "key": "+14158392671", "channel": "sms"}, {"sms"}),
    ({"key_type": "domain", "key": "northwind.com", "channel": "voice"}, {"voice"}),
    ({"key_type": "phone", "key": "+14158392671", "channel": "sms", "revoked_at": "2026-12-01T00:00:00Z"}, set()),
    ({"key_type": "phone", "key": "+10000000000", "channel": "sms"}, set()),
], ids=["email-unsubscribe", "sms-stop", "domain-voice-opt-out", "recorded-after-as-of", "other-number"])
def test_channel_opt_outs(rules: Ruleset, entry: dict[str, str], closed: set[str]) -> None:
    frame, found = _one(lead(), rules, pd.DataFrame([entry]))
    assert {ch for ch in ("email", "sms", "voice") if not frame[f"consent_{ch}_permitted"]} == closed
    assert found == (["CONSENT_REVOKED"] if closed else [])


@pytest.mark.parametrize(("reopt", "revoked_at", "open_"), [
    (False, "2026-10-01T00:00:00Z", False), (True, "2026-10-01T00:00:00Z", True),
    (True, "2026-11-05T00:00:00Z", False), (True, None, False),
], ids=["no-reopt", "newer-consent-reopens", "older-consent-stays-closed", "undated-opt-out-stays"])
def test_reopt_in_after_revocation(reopt: bool, revoked_at: str | None, open_: bool) -> None:
    rules = with_rules(f"consent: {{reopt_in_after_revocation: {str(reopt).lower()}}}")
    sup = pd.DataFrame([{"key_type": "phone", "key": "+14158392671", "channel": "sms", "revoked_at": revoked_at}])
    frame, _ = _one(lead(), rules, sup)
    assert frame["consent_sms_permitted"] is open_


def test_campaign_scope_and_validity() -> None:
    rules = with_rules("consent: {campaigns: {spring: {channels: [email, voice], valid_days: 10}}}")
    frame, found = _one(lead(campaign="spring"), rules)
    assert (frame["consent_sms_permitted"], frame["consent_voice_permitted"]) == (False, False)
    assert found == ["CONSENT_EXPIRED", "CONSENT_OUT_OF_SCOPE"]  # 19 days old; SMS not in the campaign's scope


def test_proof_completeness_is_the_share_of_required_artifacts(rules: Ruleset) -> None:
    frame, _ = _one(lead(consent_text_version=None, ip_hmac=None), rules)
    assert frame["consent_sms_proof"] == 0.5 and frame["consent_voice_proof"] == 0.5
    assert frame["consent_email_proof"] == 1.0


def test_absent_consent_columns_mean_no_consent(rules: Ruleset) -> None:
    result = evaluate_consent(batch({"email_status": "valid"}), rules=rules, as_of=AS_OF)
    row = result.frame.iloc[0]
    assert not row["consent_sms_present"] and not row["consent_sms_permitted"]
    assert row["consent_email_permitted"]  # US opt-out regime: email needs no opt-in, only no refusal


@pytest.mark.parametrize(("raw", "want"), [
    ("Double Opt-In", CaptureType.DOUBLE_OPT_IN), ("web form", CaptureType.CHECKBOX), ("", CaptureType.UNSPECIFIED),
    (None, CaptureType.UNSPECIFIED), ("SMS keyword", CaptureType.KEYWORD), ("carrier pigeon", CaptureType.OTHER),
], ids=["doi", "alias", "blank", "none", "keyword", "unknown"])
def test_normalize_capture(rules: Ruleset, raw: str | None, want: CaptureType) -> None:
    assert normalize_capture(raw, consent_policy(rules).capture_aliases) is want


def test_a_typo_in_a_channel_rule_stops_the_ruleset() -> None:
    with pytest.raises(ValueError):
        consent_policy(with_rules("consent: {channels: {sms: {required_proof: [consent_txt]}}}"))
