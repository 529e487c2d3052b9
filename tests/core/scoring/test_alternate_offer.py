"""Compliant but ineligible (QA-gate spec): a lead consent lets us email, ineligible only for a reason one of
`routing.alternate.offers` answers, is nurtured with that offer (`alternate_offer`, ALTERNATE_OFFER) instead of
being rejected; sanctions, a closed email channel or any other blocking code leave it as it was."""

from __future__ import annotations

from typing import Any

import pytest

from leadgate_dagster.core.disposition import decide
from tests.core.scoring.conftest import AS_OF, batch, lead, with_rules

RULES = with_rules("""
eligibility:
  products:
    term_life: {countries: [US], licensed_us_states: [NY]}
""")


def _decide(**changes: Any) -> tuple[str, object, list[str]]:
    out = decide(batch(lead(product_interest="term_life", **changes)), rules=RULES, as_of=AS_OF).iloc[0]
    return out["disposition"], out["alternate_offer"], out["reason_codes"]


@pytest.mark.parametrize(("changes", "disposition", "offer", "codes"), [
    ({}, "NURTURE_EMAIL_ONLY", "partner:licensed_partner", {"LICENSE_MISSING", "ALTERNATE_OFFER"}),
    ({"country_iso2": "CA", "region": "ON"}, "NURTURE_EMAIL_ONLY", "education:education_series",
     {"GEO_INELIGIBLE", "ALTERNATE_OFFER"}),
    ({"region": "NY"}, "ROUTE_SDR", None, set()),
    ({"consent_email": "no"}, "REJECT", None, {"LICENSE_MISSING"}),
    ({"country_iso2": "CU", "region": None}, "REJECT", None, {"GEO_INELIGIBLE"}),
    ({"reasons": ["NAME_PLACEHOLDER"]}, "REJECT", None, {"LICENSE_MISSING", "NAME_PLACEHOLDER"}),
], ids=["unlicensed-state-partner", "outside-product-countries-education", "eligible-routes-as-before",
        "email-closed", "sanctioned-country", "another-blocking-code"])
def test_alternate_offers(changes: dict[str, Any], disposition: str, offer: object, codes: set[str]) -> None:
    got, got_offer, got_codes = _decide(**changes)
    assert (got, got_offer) == (disposition, offer)
    assert codes <= set(got_codes) and ("ALTERNATE_OFFER" in got_codes) == (offer is not None)


def test_without_offers_an_ineligible_lead_is_rejected_as_before() -> None:
    rules = with_rules("""
eligibility:
  products:
    term_life: {countries: [US], licensed_us_states: [NY]}
routing:
  alternate: {channels: [email], offers: []}
""")
    out = decide(batch(lead(product_interest="term_life")), rules=rules, as_of=AS_OF).iloc[0]
    assert (out["disposition"], out["alternate_offer"]) == ("REJECT", None)
