"""enrichment_cache: provider answers per key with an expiry; leads indexes on ip and device_fingerprint

Revision ID: 0003_enrichment_cache
Revises: 0002_mx_cache
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003_enrichment_cache"
down_revision = "0002_mx_cache"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enrichment_cache",
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("provider", "key"),
        schema="leadgate",
    )
    op.create_index("ix_enrichment_cache_expires_at", "enrichment_cache", ["expires_at"], unique=False,
                    schema="leadgate")
    op.create_index("ix_leads_ip", "leads", ["ip"], unique=False, schema="leadgate")
    op.create_index("ix_leads_device_fingerprint", "leads", ["device_fingerprint"], unique=False,
                    schema="leadgate")


def downgrade() -> None:
    op.drop_index("ix_leads_device_fingerprint", table_name="leads", schema="leadgate")
    op.drop_index("ix_leads_ip", table_name="leads", schema="leadgate")
    op.drop_index("ix_enrichment_cache_expires_at", table_name="enrichment_cache", schema="leadgate")
    op.drop_table("enrichment_cache", schema="leadgate")
