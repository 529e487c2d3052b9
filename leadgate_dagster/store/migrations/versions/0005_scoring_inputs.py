"""scoring inputs: suppressions, behavior_events, outcomes, score_models, enrichment_retries; enrichments
record their lookup key and answer source; alerts can be resolved (one open alert per kind and subject);
lead_keys: similar names by postal code in one GIN index (btree_gin) instead of across all names

Revision ID: 0005_scoring_inputs
Revises: 0004_identity_graph
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005_scoring_inputs"
down_revision = "0004_identity_graph"
branch_labels = None
depends_on = None

S = "leadgate"
TS = sa.DateTime(timezone=True)
NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "suppressions",
        sa.Column("suppression_id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("key_type", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("channel", sa.Text, nullable=False, server_default="all"),
        sa.Column("reason", sa.Text),
        sa.Column("source", sa.Text, nullable=False, server_default="manual"),
        sa.Column("revoked_at", TS),
        sa.Column("created_at", TS, nullable=False, server_default=NOW),
        sa.UniqueConstraint("key_type", "key", "channel", name="uq_suppressions_key_channel"),
        schema=S)
    op.create_table(
        "behavior_events",
        sa.Column("event_id", sa.Text, primary_key=True),
        sa.Column("lead_id", sa.Text),
        sa.Column("email_key", sa.Text),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("occurred_at", TS, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("payload", postgresql.JSONB, nullable=False, server_default="{}"),
        sa.Column("received_at", TS, nullable=False, server_default=NOW),
        schema=S)
    for col in ("lead_id", "email_key", "received_at", "occurred_at"):
        op.create_index(op.f(f"ix_leadgate_behavior_events_{col}"), "behavior_events", [col], schema=S)
    op.create_table(
        "outcomes",
        sa.Column("lead_id", sa.Text, primary_key=True),
        sa.Column("converted", sa.Boolean, nullable=False),
        sa.Column("outcome", sa.Text),
        sa.Column("value", sa.Numeric),
        sa.Column("occurred_at", TS),
        sa.Column("source", sa.Text, nullable=False, server_default="import"),
        sa.Column("recorded_at", TS, nullable=False, server_default=NOW),
        schema=S)
    op.create_table(
        "score_models",
        sa.Column("version", sa.Text, primary_key=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("manifest", postgresql.JSONB, nullable=False),
        sa.Column("model_bytes", sa.LargeBinary),
        sa.Column("trained_at", TS, nullable=False, server_default=NOW),
        sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.false()),
        schema=S)
    op.create_index("uq_score_models_active", "score_models", ["is_active"], unique=True, schema=S,
                    postgresql_where=sa.text("is_active"))
    op.create_table(
        "enrichment_retries",
        sa.Column("provider", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("first_failed_at", TS, nullable=False, server_default=NOW),
        sa.Column("next_attempt_at", TS, nullable=False, server_default=NOW),
        sa.Column("resolved_at", TS),
        schema=S)
    op.create_index("ix_enrichment_retries_due", "enrichment_retries", ["next_attempt_at"], schema=S,
                    postgresql_where=sa.text("resolved_at IS NULL"))
    op.add_column("enrichments", sa.Column("lookup_key", sa.Text), schema=S)
    op.add_column("enrichments", sa.Column("answer_source", sa.Text), schema=S)
    op.create_index("ix_enrichments_provider_key", "enrichments", ["provider", "lookup_key"], schema=S)
    op.add_column("alerts", sa.Column("resolved_at", TS), schema=S)
    # similar names at one postal code: postal equality and trigram similarity in one GIN scan (btree_gin)
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.execute("CREATE INDEX ix_lead_keys_postal_name_trgm ON leadgate.lead_keys "
               "USING gin (postal, full_name gin_trgm_ops) WITH (fastupdate = off)")  # see tables/identity.py
    op.drop_index("ix_lead_keys_name_trgm", table_name="lead_keys", schema=S)
    op.create_index("uq_alerts_open", "alerts", ["kind", "subject"], unique=True, schema=S,
                    postgresql_where=sa.text("resolved_at IS NULL"))


def downgrade() -> None:
    op.execute("CREATE INDEX ix_lead_keys_name_trgm ON leadgate.lead_keys USING gin (full_name gin_trgm_ops)")
    op.drop_index("ix_lead_keys_postal_name_trgm", table_name="lead_keys", schema=S)
    op.drop_index("uq_alerts_open", table_name="alerts", schema=S)
    op.drop_column("alerts", "resolved_at", schema=S)
    op.drop_index("ix_enrichments_provider_key", table_name="enrichments", schema=S)
    op.drop_column("enrichments", "answer_source", schema=S)
    op.drop_column("enrichments", "lookup_key", schema=S)
    for table in ("enrichment_retries", "score_models", "outcomes", "behavior_events", "suppressions"):
        op.drop_table(table, schema=S)
