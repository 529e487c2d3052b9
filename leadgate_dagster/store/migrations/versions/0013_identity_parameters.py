"""identity: every identity column in the graph's blocking profile (date of birth, street, address key, job
title on lead_keys, with address and date-of-birth indexes for candidates), and versioned identity parameter
sets estimated from the graph (`leadgate identity estimate`), one of them active at most
(`leadgate identity activate VERSION`)

Revision ID: 0013_identity_parameters
Revises: 0011_review_queue
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0013_identity_parameters"
down_revision = "0011_review_queue"
branch_labels = None
depends_on = None

S = "leadgate"
NEW_KEY_COLUMNS = ("dob", "street", "address", "title")


def upgrade() -> None:
    for column in NEW_KEY_COLUMNS:
        op.add_column("lead_keys", sa.Column(column, sa.Text(), nullable=True), schema=S)
    op.create_index("ix_lead_keys_address", "lead_keys", ["address"], schema=S)
    op.create_index("ix_lead_keys_dob", "lead_keys", ["dob"], schema=S)
    op.create_table(
        "identity_parameters",
        sa.Column("version", sa.Text(), primary_key=True),
        sa.Column("model", JSONB(), nullable=False),
        sa.Column("report", JSONB(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("activated_at", sa.DateTime(timezone=True)),
        sa.Column("activated_by", sa.Text()),
        sa.Column("reason", sa.Text()),
        schema=S,
    )
    op.create_index("uq_identity_parameters_active", "identity_parameters", ["is_active"], unique=True,
                    schema=S, postgresql_where=sa.text("is_active"))


def downgrade() -> None:
    op.drop_table("identity_parameters", schema=S)
    op.drop_index("ix_lead_keys_dob", table_name="lead_keys", schema=S)
    op.drop_index("ix_lead_keys_address", table_name="lead_keys", schema=S)
    for column in NEW_KEY_COLUMNS:
        op.drop_column("lead_keys", column, schema=S)
