"""Who may post to the intake API and how fast: API keys (only their SHA-256 is kept), signed-webhook
secrets per source, the token buckets every `serve` process shares, and the requests refused as malformed
(kept with their reason, so a client's broken integration can be shown to it)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from leadgate_dagster.store.tables.schema import NOW, TEXTS, TS, metadata

api_keys = sa.Table(
    "api_keys", metadata,
    sa.Column("key_id", sa.Text, primary_key=True),  # shown by `keys list`; the key itself is never stored
    sa.Column("key_hash", sa.Text, nullable=False, unique=True),  # sha256 hex of the key
    sa.Column("source", sa.Text, nullable=False),  # every lead posted with the key has this source ...
    sa.Column("partner_id", sa.Text),  # ... and this partner
    sa.Column("scopes", TEXTS, nullable=False, server_default="{intake}"),
    sa.Column("rate_per_second", sa.Float),  # NULL: the ruleset's api.rate_per_second
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.Column("revoked_at", TS),
)

webhook_secrets = sa.Table(
    "webhook_secrets", metadata,
    sa.Column("secret_id", sa.Text, primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("partner_id", sa.Text),
    sa.Column("secret", sa.Text, nullable=False),  # whsec_<base64>: HMAC needs the secret itself
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.Column("retired_at", TS),
    sa.Index("ix_webhook_secrets_source", "source", postgresql_where=sa.text("retired_at IS NULL")),
)

rate_buckets = sa.Table(
    "rate_buckets", metadata,
    sa.Column("bucket", sa.Text, primary_key=True),
    sa.Column("tokens", sa.Float, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
)

api_rejections = sa.Table(
    "api_rejections", metadata,
    sa.Column("rejection_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("caller", sa.Text, nullable=False),  # key id, webhook:<source>, or "open" (insecure dev)
    sa.Column("source", sa.Text),
    sa.Column("endpoint", sa.Text, nullable=False),
    sa.Column("status_code", sa.Integer, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("detail", JSONB, nullable=False),
    sa.Column("body", sa.Text),  # the body as received (at most the size limit; none for a 413)
    sa.Column("received_at", TS, nullable=False, server_default=NOW),
    sa.Index("ix_api_rejections_caller", "caller", "received_at"),
)
