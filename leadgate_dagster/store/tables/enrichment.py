"""Enrichment tables: each lead's answer per provider, the provider answers cached per lookup key, and the
keys waiting for the recheck job.

An expired cache row is not deleted: it is the stale value a lead falls back to when the provider is down
(a stale answer beats none).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from leadgate_dagster.store.tables.schema import NOW, TS, metadata

enrichments = sa.Table(
    "enrichments", metadata,
    sa.Column("lead_id", sa.Text, primary_key=True),
    sa.Column("provider", sa.Text, primary_key=True),
    sa.Column("status", sa.Text, nullable=False),  # ok | miss | unavailable
    sa.Column("result", JSONB, nullable=False),
    sa.Column("fetched_at", TS, nullable=False, server_default=NOW),
    # which key a lead was enriched under and where its answer came from
    # (provider | cache | stale_cache | neutral)
    sa.Column("lookup_key", sa.Text),
    sa.Column("answer_source", sa.Text),
    sa.Index("ix_enrichments_provider_key", "provider", "lookup_key"),
)

enrichment_cache = sa.Table(
    "enrichment_cache", metadata,
    sa.Column("provider", sa.Text, primary_key=True),  # email_verification | phone_intel | geocoding | ...
    sa.Column("key", sa.Text, primary_key=True),  # lookup key: address, E.164, "GB:SW1A 1AA" ...
    sa.Column("status", sa.Text, nullable=False),  # ok | miss (errors are never cached)
    sa.Column("result", JSONB, nullable=False),
    sa.Column("fetched_at", TS, nullable=False, server_default=NOW),
    sa.Column("expires_at", TS, nullable=False),
    sa.Index("ix_enrichment_cache_expires_at", "expires_at"),
)

enrichment_retries = sa.Table(
    "enrichment_retries", metadata,
    sa.Column("provider", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("first_failed_at", TS, nullable=False, server_default=NOW),
    sa.Column("next_attempt_at", TS, nullable=False, server_default=NOW),
    sa.Column("resolved_at", TS),
    sa.Index("ix_enrichment_retries_due", "next_attempt_at", postgresql_where=sa.text("resolved_at IS NULL")),
)
