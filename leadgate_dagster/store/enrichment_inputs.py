"""What enrichment found per lead, as the columns qualification reads (one statement for any number of leads).

The facts are pulled out of the `enrichments` JSONB server-side and pivoted to one row per lead, so a batch
of 100k leads costs one grouped scan, not half a million JSON documents in Python. Only answers count
(status ok, from the provider, the cache or a stale cache row); a neutral fallback says nothing.
`with_enrichment` lays them over the qualification inputs (`core.enrichment_fill`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.enrichment_fill import apply_enrichment

# output column -> (provider, SQL expression over e.result)
_FIELDS: dict[str, tuple[str, str]] = {
    "firmographic_industry": ("firmographics", "e.result->>'industry'"),
    "firmographic_size_band": ("firmographics", "e.result->>'size_band'"),
    "company_revenue_band": ("firmographics", "e.result->>'revenue_band'"),
    "firmographic_country": ("firmographics", "upper(e.result->>'country')"),
    "geo_region": ("geocoding", "e.result->>'region'"),
    "geo_locality": ("geocoding", "e.result->>'locality'"),
    "geo_time_zone": ("geocoding", "e.result->>'time_zone'"),
    "verified_email_status": ("email_verification", "e.result->>'email_status'"),
    "verified_email_flags": ("email_verification", "(e.result->'email_flags')::text"),
    "verified_mailbox": ("email_verification", "(e.result->>'mailbox_verified')::boolean"),
    "phone_line_type": ("phone_intel", "e.result->>'line_type'"),
    "ip_category": ("ip_risk", "e.result->>'category'"),
    "ip_country": ("ip_risk", "upper(e.result->>'country')"),
    "ip_risk_score": ("ip_risk", "(e.result->>'risk_score')::int"),
    "email_seen": ("velocity", "(e.result->>'email_seen')::int"),
    "phone_seen": ("velocity", "(e.result->>'phone_seen')::int"),
    "ip_seen": ("velocity", "(e.result->>'ip_seen')::int"),
    "device_seen": ("velocity", "(e.result->>'device_seen')::int"),
}
COLUMNS = tuple(_FIELDS)


def _sql() -> str:
    # bool_or for the boolean, max for the rest: one row per (lead, provider), so either picks its value
    picks = ",\n  ".join(
        f"{'bool_or' if name == 'verified_mailbox' else 'max'}({expr}) "
        f"FILTER (WHERE e.provider = '{provider}') AS {name}"
        for name, (provider, expr) in _FIELDS.items())
    return f"""SELECT e.lead_id,
  {picks}
FROM leadgate.enrichments e
WHERE e.lead_id = ANY(:ids) AND e.status = 'ok'
GROUP BY e.lead_id"""


_QUERY = sa.text(_sql())


def enrichment_inputs(conn: sa.Connection, lead_ids: Sequence[str]) -> pd.DataFrame:
    """Per lead (index lead_id): COLUMNS, None where no provider answered; leads without answers are absent.

    Args:
        conn: an open connection.
        lead_ids: the leads to read.

    Returns:
        firmographic industry / size band / revenue band / country, geocoded region / locality / time zone,
        the verification verdict (status, flags as JSON text, mailbox-level or not), the line type, IP
        category / country / risk score, and velocity counts.
    """
    rows = conn.execute(_QUERY, {"ids": list(lead_ids)}).all()
    return pd.DataFrame(rows, columns=["lead_id", *COLUMNS]).set_index("lead_id").astype(object)


def with_enrichment(conn: sa.Connection, leads: pd.DataFrame) -> pd.DataFrame:
    """`leads` (indexed by lead_id, as `store.leads.load_leads` gives them) with what enrichment found."""
    return apply_enrichment(leads, enrichment_inputs(conn, list(leads.index)))
