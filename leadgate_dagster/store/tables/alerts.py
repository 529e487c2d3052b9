"""Alerts raised by the contract checks: one stays open per (kind, subject) until resolved."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from leadgate_dagster.store.tables.schema import NOW, TS, metadata

alerts = sa.Table(
    "alerts", metadata,
    sa.Column("alert_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("severity", sa.Text, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("details", JSONB, nullable=False, server_default="{}"),
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.Column("resolved_at", TS),
    sa.Index("uq_alerts_open", "kind", "subject", unique=True,
             postgresql_where=sa.text("resolved_at IS NULL")),
)
