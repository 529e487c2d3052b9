"""Territory precedence: the most specific rule covering a lead wins (postal prefix, longest first, then region,
country, segment, as `routing.territory_precedence` orders them); an owner without territory takes what nothing
narrower covers; a full pool overflows to the next broader one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leadgate_dagster.core.routing.places import region_key
from leadgate_dagster.core.ruleset import load_ruleset
from tests.core.routing.helpers import leads, owners, route

ROSTER = [
    {"email": "sf@x.com", "countries": ["US"], "postal_prefixes": ["941"]},
    {"email": "bay@x.com", "countries": ["US"], "postal_prefixes": ["94"]},
    {"email": "ca@x.com", "countries": ["US"], "regions": ["US-CA"]},
    {"email": "us@x.com", "countries": ["US"]},
    {"email": "ent@x.com", "segment": "enterprise"},
    {"email": "de@x.com", "countries": ["DE"], "regions": ["BY"]},
    {"email": "rest@x.com"},
]


@pytest.mark.parametrize(("lead", "owner", "rule"), [
    ({"country": "US", "region": "CA", "postal_code": "94107"}, "sf@x.com", "territory:postal+country"),
    ({"country": "US", "region": "CA", "postal_code": "94501"}, "bay@x.com", "territory:postal+country"),
    ({"country": "US", "region": "California", "postal_code": "90210"}, "ca@x.com", "territory:region+country"),
    ({"country": "US", "region": "TX", "employee_count": "5000"}, "us@x.com", "territory:country"),
    ({"country": "FR", "employee_count": "2000"}, "ent@x.com", "territory:segment"),
    ({"country": "DE", "region": "Bayern"}, "de@x.com", "territory:region+country"),
    ({"country": "FR", "employee_count": "12"}, "rest@x.com", "territory:everything"),
    ({}, "rest@x.com", "territory:everything"),
], ids=["longest-postal-prefix", "shorter-prefix", "region-by-name", "country-beats-segment", "segment",
        "region-without-country-prefix", "catch-all", "nothing-known"])
def test_the_most_specific_rule_wins(lead: dict[str, str], owner: str, rule: str) -> None:
    got = route(leads(lead), owners(*ROSTER)).owners.iloc[0]
    assert (got.owner_email, got.owner_rule) == (owner, rule)


def test_the_precedence_is_the_rulesets(tmp_path: Path) -> None:
    path = tmp_path / "segment-first.yaml"
    path.write_text(json.dumps({"version": "seg-1", "routing": {
        "territory_precedence": ["segment", "postal", "region", "country"]}}))
    rules = load_ruleset(path)
    lead = leads({"country": "US", "region": "TX", "employee_count": "5000"})
    got = route(lead, owners(*ROSTER, rules=rules), rules=rules).owners.iloc[0]
    assert (got.owner_email, got.owner_rule) == ("ent@x.com", "territory:segment")


def test_a_full_pool_overflows_to_the_broader_one_and_none_left_means_no_owner() -> None:
    roster = owners({"email": "ca@x.com", "regions": ["US-CA"], "daily_capacity": 1},
                    {"email": "us@x.com", "countries": ["US"], "daily_capacity": 1}, ca=0, us=0)
    got = route(leads(*[{"country": "US", "region": "CA"}] * 3), roster)
    assert list(got.owners["owner_email"]) == ["ca@x.com", "us@x.com", None]
    assert dict(got.counted) == {"ca@x.com": 1, "us@x.com": 1}


def test_an_ae_pool_never_takes_an_sdr_lead() -> None:
    roster = owners({"email": "ae@x.com", "role": "ae", "countries": ["US"]}, {"email": "q@x.com"})
    assert route(leads({"country": "US"}), roster).owners.iloc[0].owner_email == "q@x.com"
    assert route(leads({"country": "US"}), roster, role="ae").owners.iloc[0].owner_email == "ae@x.com"


@pytest.mark.parametrize(("country", "region", "key"), [
    ("US", "ca", "US-CA"), ("US", "California", "US-CA"), (None, "us-tx", "US-TX"), ("DE", "Bayern", "DE-BY"),
    ("GB", "Somewhere Else", "GB-SOMEWHERE ELSE"), (None, "Ontario", "ONTARIO"), ("US", " ", None)],
    ids=["code", "name", "prefixed", "german-state", "unknown-kept", "no-country", "blank"])
def test_region_keys(country: str | None, region: str, key: str | None) -> None:
    assert region_key(country, region) == key
