"""The enrichment cache table, and the `leads` indexes velocity counts join on.

One cache row per (provider, key) with the time its answer stops being fresh. An expired row is not deleted:
it is the stale value a lead falls back to when the provider is down (a stale answer beats none).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from leadgate_dagster.store.tables import NOW, TS, leads, metadata

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

# velocity (store/velocity.py) finds earlier leads with the same IP or device through these
sa.Index("ix_leads_ip", leads.c.ip)
sa.Index("ix_leads_device_fingerprint", leads.c.device_fingerprint)
