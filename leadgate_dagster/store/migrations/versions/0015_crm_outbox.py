"""CRM handoff: the transactional outbox `crm_outbox` (one row per change that matters to the CRM, written in
that change's transaction), `crm_links` (person -> destination and CRM id), the delivery log `crm_deliveries`;
indexes on leads' mobile number and email domain, through which a revocation finds the leads it covers

Revision ID: 0015_crm_outbox
Revises: 0012_console_users
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0015_crm_outbox"
down_revision = "0012_console_users"
branch_labels = None
depends_on = None

S = "leadgate"
TS = sa.DateTime(timezone=True)
NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "crm_outbox",
        sa.Column("outbox_id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("person_id", sa.Text, nullable=False),
        sa.Column("lead_id", sa.Text),
        sa.Column("disposition_id", sa.BigInteger),
        sa.Column("absorbed_person_id", sa.Text),
        sa.Column("cause", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", TS, nullable=False, server_default=NOW),
        sa.Column("created_at", TS, nullable=False, server_default=NOW),
        sa.Column("done_at", TS),
        sa.Column("last_error", sa.Text),
        schema=S,
    )
    op.create_index("uq_crm_outbox_disposition", "crm_outbox", ["disposition_id"], unique=True, schema=S,
                    postgresql_where=sa.text("disposition_id IS NOT NULL"))
    op.create_index("ix_crm_outbox_due", "crm_outbox", ["next_attempt_at", "outbox_id"], schema=S,
                    postgresql_where=sa.text("status = 'pending'"))
    op.create_index("ix_crm_outbox_person", "crm_outbox", ["person_id"], schema=S)
    op.create_table(
        "crm_links",
        sa.Column("person_id", sa.Text, primary_key=True),
        sa.Column("destination", sa.Text, nullable=False),
        sa.Column("crm_id", sa.Text),
        sa.Column("synced_seq", sa.BigInteger, nullable=False),
        sa.Column("synced_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False, server_default=NOW),
        schema=S,
    )
    op.create_index("ix_crm_links_crm_id", "crm_links", ["crm_id"], schema=S)
    op.create_table(
        "crm_deliveries",
        sa.Column("delivery_id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("person_id", sa.Text, nullable=False),
        sa.Column("destination", sa.Text, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("crm_id", sa.Text),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("http_status", sa.Integer),
        sa.Column("message", sa.Text),
        sa.Column("payload", JSONB),
        sa.Column("attempted_at", TS, nullable=False, server_default=NOW),
        schema=S,
    )
    op.create_index("ix_crm_deliveries_person_id", "crm_deliveries", ["person_id"], schema=S)
    op.create_index("ix_crm_deliveries_attempted_at", "crm_deliveries", ["attempted_at"], schema=S)
    op.execute("CREATE INDEX ix_leads_mobile_e164 ON leadgate.leads ((validation ->> 'mobile_e164'))")
    op.execute("CREATE INDEX ix_leads_email_domain_lower ON leadgate.leads (lower(email_domain))")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS leadgate.ix_leads_email_domain_lower")
    op.execute("DROP INDEX IF EXISTS leadgate.ix_leads_mobile_e164")
    op.drop_table("crm_deliveries", schema=S)
    op.drop_table("crm_links", schema=S)
    op.drop_table("crm_outbox", schema=S)
