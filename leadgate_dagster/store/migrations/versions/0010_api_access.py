"""intake API for the open internet: API keys (SHA-256 only), signed-webhook secrets, shared token buckets,
refused requests kept with their reason; stored answers scoped per caller and endpoint and kept as the exact
bytes sent (a replay is byte-identical)

Revision ID: 0010_api_access
Revises: 0009_info_reasons_locality
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0010_api_access"
down_revision = "0009_info_reasons_locality"
branch_labels = None
depends_on = None

S = "leadgate"
TS = sa.DateTime(timezone=True)
NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.Text, primary_key=True),
        sa.Column("key_hash", sa.Text, nullable=False, unique=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("partner_id", sa.Text),
        sa.Column("scopes", ARRAY(sa.Text), nullable=False, server_default="{intake}"),
        sa.Column("rate_per_second", sa.Float),
        sa.Column("created_at", TS, nullable=False, server_default=NOW),
        sa.Column("revoked_at", TS), schema=S)
    op.create_table(
        "webhook_secrets",
        sa.Column("secret_id", sa.Text, primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("partner_id", sa.Text),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False, server_default=NOW),
        sa.Column("retired_at", TS), schema=S)
    op.create_index("ix_webhook_secrets_source", "webhook_secrets", ["source"], schema=S,
                    postgresql_where=sa.text("retired_at IS NULL"))
    op.create_table(
        "rate_buckets",
        sa.Column("bucket", sa.Text, primary_key=True),
        sa.Column("tokens", sa.Float, nullable=False),
        sa.Column("updated_at", TS, nullable=False), schema=S)
    op.create_table(
        "api_rejections",
        sa.Column("rejection_id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("caller", sa.Text, nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("endpoint", sa.Text, nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("detail", JSONB, nullable=False),
        sa.Column("body", sa.Text),
        sa.Column("received_at", TS, nullable=False, server_default=NOW), schema=S)
    op.create_index("ix_api_rejections_caller", "api_rejections", ["caller", "received_at"], schema=S)

    # stored answers: before keys existed every request was one anonymous caller ("open"); the events
    # endpoint kept its keys apart with an "events:" prefix, now a column
    op.add_column("api_requests", sa.Column("scope", sa.Text, nullable=False, server_default="open"), schema=S)
    op.add_column("api_requests", sa.Column("endpoint", sa.Text, nullable=False, server_default="leads"), schema=S)
    op.add_column("api_requests", sa.Column("status_code", sa.Integer, nullable=False, server_default="202"),
                  schema=S)
    op.add_column("api_requests", sa.Column("response_body", sa.LargeBinary), schema=S)
    op.execute("""
        UPDATE leadgate.api_requests SET
            endpoint = CASE WHEN idempotency_key LIKE 'events:%' THEN 'events' ELSE 'leads' END,
            idempotency_key = CASE WHEN idempotency_key LIKE 'events:%' THEN substr(idempotency_key, 8)
                                   ELSE idempotency_key END,
            response_body = convert_to((response - 'replayed_request')::text, 'UTF8')
    """)
    op.drop_constraint("api_requests_pkey", "api_requests", schema=S)
    op.drop_column("api_requests", "response", schema=S)
    op.alter_column("api_requests", "response_body", nullable=False, schema=S)
    for column in ("scope", "endpoint", "status_code"):
        op.alter_column("api_requests", column, server_default=None, schema=S)
    op.create_primary_key("api_requests_pkey", "api_requests", ["scope", "endpoint", "idempotency_key"], schema=S)
    op.create_index("ix_api_requests_created", "api_requests", ["created_at"], schema=S)


def downgrade() -> None:
    op.drop_index("ix_api_requests_created", "api_requests", schema=S)
    op.drop_constraint("api_requests_pkey", "api_requests", schema=S)
    op.add_column("api_requests", sa.Column("response", JSONB), schema=S)
    op.execute("""
        DELETE FROM leadgate.api_requests a USING leadgate.api_requests b
        WHERE a.endpoint = b.endpoint AND a.idempotency_key = b.idempotency_key AND a.ctid > b.ctid;
        UPDATE leadgate.api_requests SET
            response = convert_from(response_body, 'UTF8')::jsonb,
            idempotency_key = CASE WHEN endpoint = 'events' THEN 'events:' || idempotency_key
                                   ELSE idempotency_key END
    """)
    op.alter_column("api_requests", "response", nullable=False, schema=S)
    for column in ("response_body", "status_code", "endpoint", "scope"):
        op.drop_column("api_requests", column, schema=S)
    op.create_primary_key("api_requests_pkey", "api_requests", ["idempotency_key"], schema=S)
    for table in ("api_rejections", "rate_buckets", "webhook_secrets", "api_keys"):
        op.drop_table(table, schema=S)
