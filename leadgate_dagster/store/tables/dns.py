"""The MX cache table: one row per mail domain, with the time its answer stops being trusted."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from leadgate_dagster.store.tables.schema import metadata

mx_cache = sa.Table(
    "mx_cache", metadata,
    sa.Column("domain", sa.Text, primary_key=True),  # lowercased ASCII (IDNA)
    sa.Column("status", sa.Text, nullable=False),  # ok | no_domain | null_mx | no_mx | unknown
    sa.Column("mx_hosts", ARRAY(sa.Text), nullable=False, server_default=sa.text("'{}'")),
    sa.Column("catch_all", sa.Boolean),  # NULL: not known
    sa.Column("reason", sa.Text),  # for "unknown": the reason code (EMAIL_DNS_UNAVAILABLE ...)
    sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("mx_cache_expires_at", "expires_at"),
)
