"""What enrichment found, laid over a batch's qualification inputs, so the engines read it.

The lead's own values win: firmographics fill `industry`, `employee_count` (the provider's head-count band,
e.g. "51-200", which `core.firmographics.size_band` reads into the ruleset's bands like any range) and
`country_iso2` only where the lead gave none; geocoding fills `region` (the US state drives licensing and
territory). Verification is judged, not filled: a mailbox-level verdict replaces the validation engine's
domain-level `email_status` (and its flags join the engine's), a domain-level one only settles an
"unknown"; the engine's "invalid" (syntax, disposable, no mail server) always stands. A line type from a
carrier lookup replaces phonenumbers' guess when it is specific. Everything else (locality, time zone,
revenue band, IP facts, velocity counts) is added beside, for explanation and later rules; the locality
lets a placed postal code stand in for a missing city (`core.locality`).
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from leadgate_dagster.core.columns import column, text

# enrichment column -> lead column it fills where the lead gave nothing
FILLS = {"firmographic_industry": "industry", "firmographic_size_band": "employee_count",
         "firmographic_country": "country_iso2", "geo_region": "region"}
INFORMATIONAL = ("company_revenue_band", "geo_locality", "geo_time_zone", "ip_category", "ip_country",
                 "ip_risk_score", "email_seen", "phone_seen", "ip_seen", "device_seen")
VERDICT_STATUSES = frozenset({"valid", "risky", "invalid"})
VAGUE_LINE_TYPES = frozenset({"unknown", "fixed_line_or_mobile"})
REACHABLE_PHONE = frozenset({"valid", "risky"})


def _flags(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str) and value:
        parsed = json.loads(value)
        return [str(v) for v in parsed] if isinstance(parsed, list) else []
    return []


def _email(leads: pd.DataFrame, found: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    status = text(leads, "email_status", lower=True)
    verdict = text(found, "verified_email_status", lower=True)
    mailbox = column(found, "verified_mailbox").isin([True])
    use = (verdict.isin(VERDICT_STATUSES) & status.notna() & ~status.isin(["invalid", "missing"])
           & (mailbox | (status == "unknown")))
    flags = column(leads, "email_flags").map(_flags)
    joined = pd.Series([list(dict.fromkeys([*mine, *_flags(theirs)])) for mine, theirs in
                        zip(flags, column(found, "verified_email_flags"), strict=True)], index=leads.index,
                       dtype=object)
    return status.where(~use, verdict), flags.where(~use, joined)


def apply_enrichment(leads: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """The leads with what enrichment found.

    Args:
        leads: qualification inputs, one row per lead (any index).
        found: `store.enrichment_inputs.enrichment_inputs` for these leads, on the same index; a lead
            without enrichment rows may be absent.

    Returns:
        A copy of `leads` with the fills applied and the informational columns added.
    """
    found = found.reindex(leads.index)
    out = leads.copy()
    for source, target in FILLS.items():
        given = text(out, target)
        out[target] = given.where(given.notna(), text(found, source))
    out["email_status"], out["email_flags"] = _email(out, found)
    line = text(found, "phone_line_type", lower=True)
    specific = line.notna() & ~line.isin(VAGUE_LINE_TYPES) & text(out, "phone_status", lower=True).isin(
        REACHABLE_PHONE)
    out["phone_type"] = column(out, "phone_type").where(~specific, line)
    for name in INFORMATIONAL:
        out[name] = column(found, name)
    return out
