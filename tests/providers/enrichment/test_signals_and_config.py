"""Reason codes from enrichment answers, and the ruleset's `enrichment:` section."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from leadgate_dagster.core.enrichment_signals import result_findings
from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.providers.enrichment import (
    KINDS,
    HttpBatchLookup,
    build_provider,
    deadlines_from_rules,
    enrichment_settings,
    providers_from_rules,
)
from leadgate_dagster.providers.enrichment.base import ProviderResult
from leadgate_dagster.providers.enrichment.geocoding import OfflineGeocoding

ENRICHMENT_CODES = {"ENRICHMENT_UNAVAILABLE", "ENRICHMENT_STALE", "EMAIL_UNDELIVERABLE", "IP_HOSTING_OR_VPN",
                    "IP_NOT_PUBLIC", "IP_COUNTRY_MISMATCH", "ADDRESS_POSTAL_UNMAPPED", "VELOCITY_HIGH"}


def test_codes_are_catalogued_with_the_enrichment_stage() -> None:
    for code in ENRICHMENT_CODES:
        assert CATALOGUE[code].stage == "enrichment", code
    assert CATALOGUE["VELOCITY_HIGH"].severity.value == "quarantine"
    assert CATALOGUE["ENRICHMENT_UNAVAILABLE"].severity.value == "warn"


@pytest.mark.parametrize(("kind", "result", "country", "want"), [
    ("ip_risk", ProviderResult("1.2.3.4", "ok", {"category": "vpn", "public": True, "operator": "X",
                                                 "country": "NL"}), "us",
     [("IP_HOSTING_OR_VPN", "vpn: X"), ("IP_COUNTRY_MISMATCH", "ip=NL lead=US")]),
    ("ip_risk", ProviderResult("10.0.0.1", "ok", {"category": "private", "public": False}), "US",
     [("IP_NOT_PUBLIC", "private")]),
    ("ip_risk", ProviderResult("8.8.8.8", "ok", {"category": "residential", "public": True, "country": "US"}),
     "US", []),
    ("email_verification", ProviderResult("a@b.c", "ok", {"email_status": "invalid", "email_flags": [],
                                                          "verdict": "invalid", "sub_status": None}), None,
     [("EMAIL_UNDELIVERABLE", "invalid")]),
    ("email_verification", ProviderResult("a@b.c", "ok", {"email_status": "risky", "email_flags": ["catch_all"]}),
     None, [("EMAIL_CATCH_ALL", "email_verification")]),
    ("geocoding", ProviderResult("US:00000", "miss", {}, "offline"), None,
     [("ADDRESS_POSTAL_UNMAPPED", "US:00000")]),
    ("geocoding", ProviderResult("ES:28013", "miss", {}, "offline"), None, []),
    ("geocoding", ProviderResult("ES:28013", "miss", {}, "live"), None, [("ADDRESS_POSTAL_UNMAPPED", "ES:28013")]),
    ("firmographics", ProviderResult("x.com", "error", {"error": "timeout"}, "neutral", "ENRICHMENT_UNAVAILABLE"),
     None, [("ENRICHMENT_UNAVAILABLE", "firmographics")]),
    ("firmographics", ProviderResult("x.com", "ok", {"company": "X"}, "stale_cache", "ENRICHMENT_STALE"),
     None, [("ENRICHMENT_STALE", "firmographics")]),
], ids=["vpn-and-country", "private-ip", "clean-ip", "undeliverable", "catch-all", "us-zip-unmapped",
        "offline-table-not-complete", "live-geocoder-miss", "unavailable", "stale"])
def test_result_findings(kind: str, result: ProviderResult, country: str | None,
                         want: list[tuple[str, str]]) -> None:
    got = result_findings(kind, result, lead_country=country)
    assert got == want
    assert {c for c, _ in got} <= set(CATALOGUE)


def test_shipped_ruleset_is_offline_and_complete() -> None:
    s = enrichment_settings()
    assert set(s.providers) == set(KINDS)
    assert {p.mode for p in s.providers.values()} == {"offline"}
    assert all(p.http.attempts == 3 and p.http.api_key_env for p in s.providers.values())
    providers = providers_from_rules()
    # offline geocoding goes through the Postgres cache: a warm postal code never loads zipcodes' table in a run
    assert isinstance(providers["geocoding"], OfflineGeocoding) and providers["geocoding"].cacheable
    assert not providers["firmographics"].cacheable
    assert deadlines_from_rules()["email_verification"] == 30.0


def test_an_override_file_says_only_what_changes(tmp_path: Path) -> None:
    body = load_ruleset().body
    body["enrichment"] = {"retry_after_cap_s": 5, "providers": {
        "firmographics": {"mode": "http", "base_url": "http://127.0.0.1:9", "batch_deadline_s": 2}},
        "velocity": {"max_per_ip": 50}}
    path = tmp_path / "rules.yaml"
    path.write_text(json.dumps(body))
    rules = load_ruleset(path)
    s = enrichment_settings(rules)
    firmo = s.providers["firmographics"]
    assert (firmo.mode, firmo.batch_deadline_s, firmo.http.retry_after_cap_s) == ("http", 2.0, 5.0)
    assert firmo.http.rate_per_s == 10 and firmo.cache_ttl.total_seconds() == 2160 * 3600  # shipped values kept
    assert s.velocity.max_seen == {"email": 3, "phone": 3, "ip": 50, "device": 5}
    provider = build_provider(firmo, rules, transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    assert isinstance(provider, HttpBatchLookup) and provider.ttl == firmo.cache_ttl


def test_http_mode_needs_a_base_url() -> None:
    from dataclasses import replace

    firmo = enrichment_settings().providers["firmographics"]
    with pytest.raises(ValueError, match="base_url"):
        build_provider(replace(firmo, mode="http"))
