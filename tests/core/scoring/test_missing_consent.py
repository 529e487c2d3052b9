"""Consent data that is absent is not a refusal: per country, `consent.missing_policy` holds the lead for review,
nurtures a business address by email, or leaves it as before; a "no", a revocation or a DNC entry stay closed."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from leadgate_dagster.core.disposition import decide
from leadgate_dagster.core.ruleset import Ruleset, load_ruleset
from tests.core.scoring.conftest import AS_OF, batch, lead, with_rules

NO_CONSENT = {"consent_email": None, "consent_sms": None, "consent_voice": None, "consent_capture": None,
              "consent_at": None, "consent_text_version": None, "consent_url": None, "ip_hmac": None}


def _decide(*rows: dict[str, Any], rules: Ruleset | None = None, **kwargs: Any) -> pd.DataFrame:
    return decide(batch(*rows), rules=rules or load_ruleset(), as_of=AS_OF, **kwargs)


def _no_consent(country: str, **changes: Any) -> dict[str, Any]:
    return lead(**{**NO_CONSENT, "country_iso2": country, **changes})


@pytest.mark.parametrize(("country", "changes", "disposition", "channels", "code"), [
    ("DE", {}, "QUARANTINE_REVIEW", [], "CONSENT_UNKNOWN"),
    ("FR", {}, "QUARANTINE_REVIEW", [], "CONSENT_UNKNOWN"),
    ("CA", {}, "QUARANTINE_REVIEW", [], "CONSENT_UNKNOWN"),
    ("GB", {}, "NURTURE_EMAIL_ONLY", ["email"], "SCORE_LOW"),
    ("GB", {"email_flags": ["free"]}, "QUARANTINE_REVIEW", [], "CONSENT_UNKNOWN"),
    ("GB", {"email_status": "invalid"}, "QUARANTINE_REVIEW", [], "CONSENT_UNKNOWN"),
    ("US", {}, "NURTURE_EMAIL_ONLY", ["email"], "SCORE_LOW"),
    ("US", {"email_status": "invalid"}, "QUARANTINE_REVIEW", [], "SCORE_BORDERLINE"),
    ("US", {"email_status": "invalid", "phone_status": "invalid"}, "REJECT", [], "NO_ALLOWED_CHANNEL"),
], ids=["de-uwg-hold", "eu-hold", "ca-casl-hold", "gb-pecr-nurture-business-address", "gb-free-mail-held",
        "gb-phone-only-held", "us-unchanged-email-opt-out", "us-unchanged-phone-only",
        "us-unchanged-nothing-reachable"])
def test_absent_consent_by_country(country: str, changes: dict[str, Any], disposition: str,
                                   channels: list[str], code: str) -> None:
    row = _decide(_no_consent(country, **changes)).iloc[0]
    assert (row["disposition"], row["allowed_channels"]) == (disposition, channels)
    assert code in row["reason_codes"]
    assert ("CONSENT_UNKNOWN" in row["reason_codes"]) == (code == "CONSENT_UNKNOWN")


@pytest.mark.parametrize("country", ["DE", "GB", "CA"])
def test_an_explicit_no_or_a_revocation_is_not_absent_consent(country: str) -> None:
    refused = _decide(_no_consent(country, consent_email="no")).iloc[0]
    assert refused["disposition"] == "REJECT" and "CONSENT_UNKNOWN" not in refused["reason_codes"]
    revoked = pd.DataFrame({"key_type": ["email"], "key": ["ann.lee@northwind.com"], "channel": ["email"]})
    row = _decide(_no_consent(country), suppressions=revoked).iloc[0]
    assert row["disposition"] == "REJECT" and "CONSENT_REVOKED" in row["reason_codes"]
    dnc = revoked.assign(channel="all")
    row = _decide(_no_consent(country), suppressions=dnc).iloc[0]
    assert row["disposition"] == "REJECT" and "SUPPRESSED_DNC" in row["reason_codes"]


@pytest.mark.parametrize("answer", [{"consent_email": "yes", "consent_at": "2020-01-01T00:00:00Z"},
                                    {"consent_sms": "yes"}, {"consent_email": "maybe"}],
                         ids=["expired-email", "sms-unproven", "ambiguous"])
def test_a_lead_with_any_consent_answer_is_decided_as_before(answer: dict[str, Any]) -> None:
    row = _decide(_no_consent("DE", email_status="invalid", **answer)).iloc[0]
    before = _decide(_no_consent("DE", email_status="invalid", **answer), rules=with_rules(
        "consent: {missing_policy: {countries: {DE: reject}}}")).iloc[0]
    assert "CONSENT_UNKNOWN" not in row["reason_codes"] and row["disposition"] == before["disposition"]


def test_sms_and_voice_never_open_without_their_consent() -> None:
    rows = _decide(*[_no_consent(c) for c in ("US", "GB", "DE", "CA")])
    assert not any({"sms", "voice"} & set(channels) for channels in rows["allowed_channels"])


def test_the_policy_is_data() -> None:
    rules = with_rules("consent: {missing_policy: {default: hold, countries: {DE: reject, GB: hold}}}")
    rows = _decide(_no_consent("DE"), _no_consent("GB"), _no_consent("AU", email_status="invalid"), rules=rules)
    assert list(rows["disposition"]) == ["REJECT", "QUARANTINE_REVIEW", "QUARANTINE_REVIEW"]
