"""The lead as given and as normalized, and the findings each stage recorded on it.

`ip_hmac` keeps the lead's IP address in keyed form (`core.ip_hmac`): velocity, the consent proof and the
RevOps view use it; `ip` keeps the value as given for the IP-risk lookup (see docs/qualified-leads.md,
"IP addresses").
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from leadgate_dagster.core.lead_schema import CANONICAL_FIELDS
from leadgate_dagster.store.tables.schema import NOW, TEXTS, TS, metadata

leads = sa.Table(
    "leads", metadata,
    sa.Column("lead_id", sa.Text, primary_key=True),
    sa.Column("batch_id", sa.Text, nullable=False, index=True),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("file_id", sa.Text),
    sa.Column("record_no", sa.Integer),
    sa.Column("received_at", TS, nullable=False),
    sa.Column("replay_of", sa.Text),
    *[sa.Column(name, sa.Text) for name in CANONICAL_FIELDS],
    sa.Column("extra", JSONB, nullable=False, server_default="{}"),
    # normalized values live beside the values as given
    sa.Column("email_normalized", sa.Text),
    sa.Column("email_key", sa.Text, index=True),
    sa.Column("email_domain", sa.Text),
    sa.Column("email_status", sa.Text),
    sa.Column("email_flags", TEXTS),
    sa.Column("phone_e164", sa.Text, index=True),
    sa.Column("phone_status", sa.Text),
    sa.Column("phone_type", sa.Text),
    sa.Column("company_domain", sa.Text),
    sa.Column("validation", JSONB),  # the engine's full per-lead output, for explanation
    sa.Column("validated_at", TS),
    sa.Column("enriched_at", TS),
    sa.Column("ruleset_version", sa.Text),
    sa.Column("ip_hmac", sa.Text),
    # velocity (store/velocity.py) finds earlier leads with the same IP or device through these
    sa.Index("ix_leads_ip", "ip"),
    sa.Index("ix_leads_device_fingerprint", "device_fingerprint"),
    sa.Index("ix_leads_ip_hmac", "ip_hmac"),
)
# a revocation finds the leads a suppression entry covers through these (email_key and phone_e164 have theirs)
sa.Index("ix_leads_mobile_e164", leads.c.validation["mobile_e164"].astext)
sa.Index("ix_leads_email_domain_lower", sa.func.lower(leads.c.email_domain))

lead_checks = sa.Table(
    "lead_checks", metadata,
    sa.Column("lead_id", sa.Text, primary_key=True),
    sa.Column("stage", sa.Text, primary_key=True),
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("severity", sa.Text, nullable=False),
    sa.Column("detail", sa.Text),
    sa.Column("ruleset_version", sa.Text, nullable=False),
    sa.Column("checked_at", TS, nullable=False, server_default=NOW),
)
