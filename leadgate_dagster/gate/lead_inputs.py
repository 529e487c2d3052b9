"""What the decision engines and routing read about leads: their values, the validation engine's output,
enrichment, the checks that fired and the identity graph's context, one set-based read per batch."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.locality import place_localities
from leadgate_dagster.store import leads
from leadgate_dagster.store.enrichment_inputs import with_enrichment
from leadgate_dagster.store.identity_context import identity_context

LEAD_INPUTS = ("replay_of", "source", "email_status", "email_flags", "email_key", "email_domain", "phone_e164",
               "phone_status", "phone_type", "company_domain", "consent_email", "consent_sms", "consent_voice",
               "consent_capture", "consent_at", "consent_text_version", "consent_text_hash", "consent_url",
               "consent_certificate_id", "screenshot_hash", "ip_hmac", "demo_requested", "job_title", "company",
               "industry", "employee_count", "region", "campaign", "product_interest", "date_of_birth", "partner_id",
               "postal_code", "website", "validation")
# what the engines read from the validation engine's output (kept as JSONB beside the lead)
FROM_VALIDATION = ("country_iso2", "seniority", "department", "mobile_e164", "address_status")


def lead_inputs(conn: sa.Connection, lead_ids: Sequence[str]) -> pd.DataFrame:
    """One row per lead (index lead_id): LEAD_INPUTS, FROM_VALIDATION, enrichment, `reasons` (the codes found
    before the decision) and the identity context."""
    df = leads.load_leads(conn, lead_ids, columns=LEAD_INPUTS)
    details = df.pop("validation").map(lambda v: v if isinstance(v, dict) else {})
    for key in FROM_VALIDATION:
        df[key] = details.map(lambda v, k=key: v.get(k))
    df = with_enrichment(conn, df)  # firmographics, geocoding, verification, IP risk, velocity
    reasons = leads.reasons_of(conn, list(df["lead_id"]))
    df["reasons"] = df["lead_id"].map(lambda lid: reasons.get(lid, []))
    df["reasons"] = place_localities(df)  # a postal code geocoding placed stands in for the missing city
    return df.join(identity_context(conn, list(df["lead_id"])).drop(columns="person_id"))
