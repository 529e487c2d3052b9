"""Behaviour on the disposition: each disposition row records its engagement score (decayed behaviour, 0-100)
and priority score (the model's, or the rules' when no model qualifies), so a re-score that moves only
engagement records the new scores (history kept); qualified_leads shows both, after its other columns

Revision ID: 0008_engagement_priority
Revises: 0007_candidate_indexes
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from alembic import op

revision = "0008_engagement_priority"
down_revision = "0007_candidate_indexes"
branch_labels = None
depends_on = None

S = "leadgate"

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
       d.allowed_channels, d.ruleset_version, d.model_version, d.decided_by,
       d.engagement_score AS qa_engagement_score, d.priority_score AS qa_priority_score
FROM leadgate.leads l
JOIN leadgate.dispositions d ON d.lead_id = l.lead_id AND d.is_current
LEFT JOIN leadgate.leads o ON o.lead_id = l.replay_of
LEFT JOIN leadgate.lead_person lp ON lp.lead_id = l.lead_id
"""


def upgrade() -> None:
    op.add_column("dispositions", sa.Column("engagement_score", sa.Integer), schema=S)
    op.add_column("dispositions", sa.Column("priority_score", sa.Integer), schema=S)
    op.execute("""
        UPDATE leadgate.dispositions
        SET engagement_score = (score_inputs -> 'engagement' ->> 'engagement_score')::numeric::int,
            priority_score = (score_inputs -> 'priority' ->> 'priority_score')::numeric::int
        WHERE jsonb_typeof(score_inputs -> 'engagement' -> 'engagement_score') = 'number'
          AND jsonb_typeof(score_inputs -> 'priority' -> 'priority_score') = 'number'
    """)
    op.execute("DROP VIEW IF EXISTS leadgate.qualified_leads")
    op.execute(QUALIFIED_LEADS_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS leadgate.qualified_leads")
    previous = importlib.import_module("leadgate_dagster.store.migrations.versions.0006_qualified_leads_contract")
    op.execute(previous.QUALIFIED_LEADS_VIEW)
    op.drop_column("dispositions", "priority_score", schema=S)
    op.drop_column("dispositions", "engagement_score", schema=S)
