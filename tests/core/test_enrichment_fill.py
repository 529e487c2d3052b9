"""What enrichment found, laid over the qualification inputs: the lead's own values win, verification is
judged by how much it knows, and the engines read the result."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from leadgate_dagster.core.eligibility import evaluate_eligibility
from leadgate_dagster.core.enrichment_fill import apply_enrichment
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.core.scoring import pre_score

RULES = load_ruleset()


def _one(lead: dict[str, Any], found: dict[str, Any] | None) -> pd.Series:
    leads = pd.DataFrame([lead], index=["l1"])
    frame = pd.DataFrame([found], index=["l1"]) if found is not None else pd.DataFrame(index=pd.Index([]))
    return apply_enrichment(leads, frame).loc["l1"]


@pytest.mark.parametrize(("lead", "found", "want"), [
    ({"industry": None, "employee_count": None, "country_iso2": None, "region": None},
     {"firmographic_industry": "Software", "firmographic_size_band": "51-200", "firmographic_country": "US",
      "geo_region": "TX"},
     {"industry": "Software", "employee_count": "51-200", "country_iso2": "US", "region": "TX"}),
    ({"industry": "Retail", "employee_count": "12", "country_iso2": "CA", "region": "ON"},
     {"firmographic_industry": "Software", "firmographic_size_band": "51-200", "firmographic_country": "US",
      "geo_region": "TX"},
     {"industry": "Retail", "employee_count": "12", "country_iso2": "CA", "region": "ON"}),
    ({"industry": "  ", "region": ""}, {"firmographic_industry": "Software", "geo_region": "CA"},
     {"industry": "Software", "region": "CA"}),
    ({"industry": None}, None, {"industry": None}),
], ids=["fills-what-is-missing", "lead-values-win", "blank-is-missing", "no-enrichment"])
def test_fills_only_what_the_lead_did_not_give(lead: dict[str, Any], found: dict[str, Any] | None,
                                               want: dict[str, Any]) -> None:
    got = _one(lead, found)
    assert {k: got[k] for k in want} == want


@pytest.mark.parametrize(("status", "flags", "verdict", "mailbox", "want_status", "want_flags"), [
    ("valid", [], "invalid", True, "invalid", []),
    ("unknown", [], "valid", False, "valid", []),
    ("valid", ["free"], "risky", False, "valid", ["free"]),
    ("valid", ["free"], "risky", True, "risky", ["free", "catch_all"]),
    ("invalid", ["disposable"], "valid", True, "invalid", ["disposable"]),
    ("missing", [], "valid", True, "missing", []),
    ("unknown", [], "unknown", True, "unknown", []),
    ("valid", [], None, None, "valid", []),
], ids=["mailbox-undeliverable-wins", "domain-verdict-settles-unknown", "domain-verdict-not-over-engine",
        "mailbox-risky-joins-flags", "engine-invalid-stands", "no-address", "unknown-verdict", "no-answer"])
def test_email_verdicts(status: str, flags: list[str], verdict: str | None, mailbox: bool | None,
                        want_status: str, want_flags: list[str]) -> None:
    found = {"verified_email_status": verdict, "verified_mailbox": mailbox,
             "verified_email_flags": '["catch_all"]' if verdict == "risky" else "[]"}
    got = _one({"email_status": status, "email_flags": flags}, found)
    assert (got["email_status"], got["email_flags"]) == (want_status, want_flags)


@pytest.mark.parametrize(("phone_status", "phone_type", "line", "want"), [
    ("valid", "fixed_line_or_mobile", "mobile", "mobile"),
    ("valid", "mobile", "voip", "voip"),
    ("valid", "mobile", "fixed_line_or_mobile", "mobile"),
    ("valid", "mobile", "unknown", "mobile"),
    ("invalid", None, "mobile", None),
], ids=["settles-ambiguous", "ported-to-voip", "vague-answer-ignored", "unknown-ignored", "invalid-number"])
def test_line_type_from_a_carrier_lookup(phone_status: str, phone_type: str | None, line: str,
                                         want: str | None) -> None:
    got = _one({"phone_status": phone_status, "phone_type": phone_type}, {"phone_line_type": line})
    assert got["phone_type"] == want


def test_the_engines_read_the_filled_values() -> None:
    leads = pd.DataFrame([{"lead_id": "a", "job_title": "VP Sales"}, {"lead_id": "b", "job_title": "VP Sales"}],
                         index=["a", "b"])
    found = pd.DataFrame([{"firmographic_industry": "Software", "firmographic_size_band": "10001+",
                           "firmographic_country": "US", "geo_region": "TX"}], index=["a"])
    filled = apply_enrichment(leads, found)
    fit = pre_score(filled, rules=RULES).inputs["fit"]
    assert fit.loc["a", "industry"] == "software" and fit.loc["a", "company_size"] == "5001+"
    assert fit.loc["a", "points"] > fit.loc["b", "points"]
    geo = evaluate_eligibility(filled, rules=RULES).frame
    assert (geo.loc["a", "country"], geo.loc["a", "us_state"]) == ("US", "TX")
    assert geo.loc["b", "country"] is None
