"""Reason families: each family's default fallback, the strictest winning for mixed items, and which items are
hopeless (nothing can change, no channel left) and fall back at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from leadgate_dagster.core.review.fallback import fallback_for, holding_codes, hopeless, set_aside
from leadgate_dagster.core.ruleset import RulesetError, load_ruleset, ruleset_from_body

RULES = load_ruleset()


@pytest.mark.parametrize(("codes", "want"), [
    (["EMAIL_DNS_UNAVAILABLE"], "redecide_without"),
    (["EMAIL_CATCH_ALL"], "redecide_without"),
    (["ENRICHMENT_UNAVAILABLE", "ENRICHMENT_STALE"], "redecide_without"),
    (["DUP_TIER_C"], "keep_apart"),
    (["DUP_TIER_B", "EMAIL_DNS_UNAVAILABLE"], "keep_apart"),
    (["CONSENT_UNKNOWN"], "hold"),
    (["EMAIL_INVALID", "PHONE_FICTIONAL"], "reject"),
    (["NAME_PLACEHOLDER"], "hold"),
    ([], "hold"),
    (["CONSENT_UNKNOWN", "EMAIL_DNS_UNAVAILABLE"], "hold"),
    (["CONSENT_UNKNOWN", "EMAIL_INVALID"], "reject"),
], ids=["dns", "catch-all", "enrichment", "pair", "pair-and-dns", "consent", "invalid-contact", "other",
        "no-code", "hold-beats-redecide", "reject-beats-hold"])
def test_the_fallback_of_an_item_is_its_strictest_familys(codes: list[str], want: str) -> None:
    assert fallback_for(codes, RULES) == want


def test_a_deciding_fallback_sets_aside_only_the_codes_of_families_that_decide_again() -> None:
    assert set_aside(["EMAIL_CATCH_ALL", "DUP_TIER_C", "CONSENT_UNKNOWN"], RULES) == ["EMAIL_CATCH_ALL", "DUP_TIER_C"]


@pytest.mark.parametrize(("codes", "channels", "want"), [
    (["EMAIL_INVALID"], [], True),
    (["EMAIL_INVALID"], ["voice"], False),
    (["EMAIL_INVALID", "EMAIL_DNS_UNAVAILABLE"], [], False),
    (["CONSENT_UNKNOWN"], [], False),
    ([], [], False),
], ids=["invalid-no-channel", "a-channel-left", "dns-may-answer", "a-person-finds-consent", "nothing-held"])
def test_hopeless_items(codes: list[str], channels: list[str], want: bool) -> None:
    assert hopeless(codes, channels, RULES) is want


def test_holding_codes_follow_the_ruleset_severities() -> None:
    shipped = holding_codes(RULES)
    assert {"EMAIL_INVALID", "CONSENT_UNKNOWN", "SCORE_BORDERLINE", "DUP_TIER_B"} <= shipped
    assert "EMAIL_DNS_UNAVAILABLE" not in shipped
    body = load_ruleset().body
    body["severity_overrides"] = {"EMAIL_DNS_UNAVAILABLE": "quarantine"}
    assert "EMAIL_DNS_UNAVAILABLE" in holding_codes(ruleset_from_body(body))


@pytest.mark.parametrize(("change", "message"), [
    (lambda r: r["families"].update(names=["NAME_PLACEHOLDER"]), "fallback: no action for families ['names']"),
    (lambda r: r["families"].update(dns=["EMAIL_NOPE"]), "unknown reason codes ['EMAIL_NOPE']"),
    (lambda r: r["families"].update(dns=["EMAIL_CATCH_ALL"]), "EMAIL_CATCH_ALL is in both families"),
    (lambda r: r["fallback"].update(dns="shrug"), "review.fallback.dns"),
    (lambda r: r.update(expiry_disposition="QUARANTINE_REVIEW"), "expiry_disposition"),
    (lambda r: r.update(fallback_after_hours=2), "sla_hours < fallback_after_hours"),
], ids=["family-without-fallback", "unknown-code", "code-in-two-families", "unknown-action", "expiry-holds",
        "clock-out-of-order"])
def test_an_inconsistent_review_section_is_refused_naming_the_problem(change: Callable[[dict], None],
                                                                      message: str) -> None:
    body = load_ruleset().body
    change(body["review"])
    with pytest.raises(RulesetError) as caught:
        ruleset_from_body(body)
    assert str(caught.value).startswith("review") and message in str(caught.value)
