"""qualified_leads contract: the RevOps view with documented, stable columns (docs/qualified-leads.md);
consent_checked_at from the consent evaluation itself; leads.ip_hmac (keyed HMAC of the IP address)

Revision ID: 0006_qualified_leads_contract
Revises: 0005_scoring_inputs
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from alembic import op

revision = "0006_qualified_leads_contract"
down_revision = "0005_scoring_inputs"
branch_labels = None
depends_on = None

S = "leadgate"

# A replay is not validated again (it carries its original's results), so its normalized values are read
# from the original. consent_checked_at is the `as_of` the consent engine evaluated the current decision at
# (a replay's: its original's evaluation); the guard keeps one malformed document from failing every read.
QUALIFIED_LEADS_VIEW = """
CREATE VIEW leadgate.qualified_leads AS
SELECT l.lead_id, lp.person_id, lp.duplicate_of, l.replay_of, l.batch_id, l.channel AS intake_channel,
       l.source, l.received_at, l.submitted_at,
       l.external_id, l.partner_id, l.campaign, l.utm_source, l.utm_medium, l.utm_campaign, l.utm_term,
       l.utm_content, l.referrer, l.landing_page, l.landing_page_version,
       l.first_name, l.last_name, l.full_name, l.job_title,
       l.email, COALESCE(l.email_normalized, o.email_normalized) AS email_normalized,
       COALESCE(l.email_status, o.email_status) AS email_status,
       COALESCE(l.email_flags, o.email_flags) AS email_flags,
       l.phone, l.mobile, COALESCE(l.phone_e164, o.phone_e164) AS phone_e164,
       COALESCE(l.phone_status, o.phone_status) AS phone_status,
       COALESCE(l.phone_type, o.phone_type) AS phone_type,
       l.company, COALESCE(l.company_domain, o.company_domain) AS company_domain,
       l.industry, l.employee_count,
       l.city, l.region, l.postal_code, l.country,
       COALESCE(l.validation, o.validation) ->> 'country_iso2' AS country_iso2,
       l.product_interest, l.demo_requested,
       l.consent_email, l.consent_sms, l.consent_voice, l.consent_capture, l.consent_at,
       l.consent_text_version, l.consent_text_hash, l.consent_url, l.consent_certificate_id,
       l.screenshot_hash, l.ip_hmac,
       d.disposition, d.disposition AS qa_status, d.score AS qa_score,
       d.score_reachability AS qa_score_reachability, d.score_consent AS qa_score_consent,
       d.score_fit AS qa_score_fit, d.reason_codes AS qa_reason, d.decided_at AS qa_at,
       CASE WHEN d.score_inputs ->> 'as_of' ~ '^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}'
            THEN (d.score_inputs ->> 'as_of')::timestamptz END AS consent_checked_at,
       d.score_inputs -> 'consent' ->> 'email_state' AS consent_email_state,
       d.score_inputs -> 'consent' ->> 'sms_state' AS consent_sms_state,
       d.score_inputs -> 'consent' ->> 'voice_state' AS consent_voice_state,
       d.allowed_channels, d.ruleset_version, d.model_version, d.decided_by
FROM leadgate.leads l
JOIN leadgate.dispositions d ON d.lead_id = l.lead_id AND d.is_current
LEFT JOIN leadgate.leads o ON o.lead_id = l.replay_of
LEFT JOIN leadgate.lead_person lp ON lp.lead_id = l.lead_id
"""

# the view as 0001_foundation created it, restored on downgrade
OLD_VIEW = importlib.import_module("leadgate_dagster.store.migrations.versions.0001_foundation").QUALIFIED_LEADS_VIEW


def upgrade() -> None:
    op.add_column("leads", sa.Column("ip_hmac", sa.Text(), nullable=True), schema=S)
    op.create_index("ix_leads_ip_hmac", "leads", ["ip_hmac"], schema=S)
    op.execute("DROP VIEW IF EXISTS leadgate.qualified_leads")
    op.execute(QUALIFIED_LEADS_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS leadgate.qualified_leads")
    op.drop_index("ix_leads_ip_hmac", table_name="leads", schema=S)
    op.drop_column("leads", "ip_hmac", schema=S)
    op.execute(OLD_VIEW)
