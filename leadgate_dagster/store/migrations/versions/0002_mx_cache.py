"""mx_cache: MX answers per mail domain with an expiry (validation engine)

Revision ID: 0002_mx_cache
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_mx_cache"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mx_cache",
        sa.Column("domain", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("mx_hosts", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("catch_all", sa.Boolean(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("domain"),
        schema="leadgate",
    )
    op.create_index("mx_cache_expires_at", "mx_cache", ["expires_at"], unique=False, schema="leadgate")


def downgrade() -> None:
    op.drop_index("mx_cache_expires_at", table_name="mx_cache", schema="leadgate")
    op.drop_table("mx_cache", schema="leadgate")
