"""Eligibility: geography, licensing, age, product exclusions and partner contracts, all from the ruleset."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from leadgate_dagster.core.eligibility import evaluate_eligibility
from leadgate_dagster.core.ruleset import Ruleset
from tests.core.scoring.conftest import AS_OF, batch, lead, with_rules

PRODUCTS = with_rules("""
eligibility:
  geography: {allow_countries: [], deny_countries: [CU, IR, KP, SY], deny_us_states: [AK]}
  min_age: 16
  exclusions: {industries: [gambling], size_bands: [], countries: []}
  products:
    Term Life:
      countries: [US]
      licensed_us_states: [CA, NY, TX]
      min_age: 18
      exclusions: {industries: [], size_bands: ["1-10"], countries: []}
""")


def _one(row: dict[str, Any], rules: Ruleset) -> tuple[str, list[str]]:
    result = evaluate_eligibility(batch(row), rules=rules, as_of=AS_OF)
    return str(result.frame["eligibility_state"].iloc[0]), result.findings.as_lists()[0]


@pytest.mark.parametrize(("changes", "state", "codes"), [
    ({}, "eligible", []),
    ({"country_iso2": "IR"}, "ineligible", ["GEO_INELIGIBLE"]),
    ({"country_iso2": None, "country": "cu"}, "ineligible", ["GEO_INELIGIBLE"]),
    ({"region": "Alaska"}, "ineligible", ["GEO_INELIGIBLE"]),
    ({"country_iso2": None, "phone_region": "SY"}, "ineligible", ["GEO_INELIGIBLE"]),
    ({"product_interest": "term life", "date_of_birth": None}, "unknown", ["AGE_UNVERIFIED"]),
    ({"product_interest": "term-life", "date_of_birth": "1990-02-03"}, "eligible", []),
    ({"product_interest": "Term Life", "date_of_birth": "2009-11-21"}, "ineligible", ["UNDERAGE"]),
    ({"product_interest": "Term Life", "date_of_birth": "2008-11-20"}, "eligible", []),
    ({"date_of_birth": "2012-01-01"}, "ineligible", ["UNDERAGE"]),
    ({"date_of_birth": "1801-01-01"}, "unknown", ["AGE_UNVERIFIED"]),
    ({"product_interest": "Term Life", "date_of_birth": "1990-01-01", "region": "Florida"}, "ineligible",
     ["LICENSE_MISSING"]),
    ({"product_interest": "Term Life", "date_of_birth": "1990-01-01", "region": None}, "unknown", ["GEO_UNKNOWN"]),
    ({"product_interest": "Term Life", "date_of_birth": "1990-01-01", "country_iso2": "CA"}, "ineligible",
     ["GEO_INELIGIBLE"]),
    ({"product_interest": "Term Life", "date_of_birth": "1990-01-01", "country_iso2": None}, "unknown",
     ["GEO_UNKNOWN"]),
    ({"industry": "Gambling"}, "ineligible", ["PRODUCT_EXCLUDED"]),
    ({"product_interest": "Term Life", "date_of_birth": "1990-01-01", "employee_count": "1-10"}, "ineligible",
     ["PRODUCT_EXCLUDED"]),
], ids=["eligible", "sanctioned", "raw-country", "denied-state", "phone-region", "age-unverified", "adult",
        "17-tomorrow-18", "18-today", "global-min-age", "implausible-dob", "unlicensed-state", "state-unknown",
        "outside-product-countries", "country-unknown", "excluded-industry", "excluded-size-band"])
def test_eligibility(changes: dict[str, Any], state: str, codes: list[str]) -> None:
    assert _one(lead(**{"date_of_birth": "1985-05-05", **changes}), PRODUCTS) == (state, codes)


def test_shipped_ruleset_serves_everyone_not_sanctioned(rules: Ruleset) -> None:
    assert _one(lead(country_iso2=None, country=None), rules) == ("eligible", [])
    assert _one(lead(country_iso2="KP"), rules) == ("ineligible", ["GEO_INELIGIBLE"])


PARTNERS = with_rules("""
eligibility:
  partners:
    aff_1: {require_fields: [utm_source], allow_countries: [US], daily_cap: 3}
""")


def test_partner_criteria_and_unknown_partner() -> None:
    rows = [lead(partner_id="aff_1", utm_source="fb"), lead(partner_id="aff_1"),
            lead(partner_id="aff_1", utm_source="fb", country_iso2="GB"), lead(partner_id="aff_9"), lead()]
    result = evaluate_eligibility(batch(*rows), rules=PARTNERS, as_of=AS_OF)
    assert result.findings.as_lists() == [[], ["PARTNER_CRITERIA_FAILED"], ["PARTNER_CRITERIA_FAILED"],
                                          ["PARTNER_UNKNOWN"], []]
    assert list(result.frame["eligibility_state"]) == ["eligible", "ineligible", "ineligible", "eligible", "eligible"]


@pytest.mark.parametrize(("accepted_today", "over"), [(None, [False, False, False, True, True]),
                                                      (2, [False, True, True, True, True]),
                                                      (5, [True] * 5)],
                         ids=["no-counts", "two-already", "cap-already-reached"])
def test_partner_daily_cap_is_first_come_first_served(accepted_today: int | None, over: list[bool]) -> None:
    rows = [lead(partner_id="aff_1", utm_source="fb") for _ in range(5)]
    counts = None if accepted_today is None else pd.DataFrame({"partner_id": ["aff_1"],
                                                               "accepted_today": [accepted_today]})
    result = evaluate_eligibility(batch(*rows), rules=PARTNERS, partner_counts=counts, as_of=AS_OF)
    assert [("PARTNER_CAP_EXCEEDED" in c) for c in result.findings.as_lists()] == over


def test_leads_failing_criteria_do_not_use_up_the_cap() -> None:
    rows = [lead(partner_id="aff_1")] * 4 + [lead(partner_id="aff_1", utm_source="fb")]
    result = evaluate_eligibility(batch(*rows), rules=PARTNERS, as_of=AS_OF)
    assert result.findings.as_lists()[-1] == []
