"""Tables the qualification reads besides the lead: suppression/DNC entries, behaviour events, outcomes and
trained conversion models."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from leadgate_dagster.store.tables.schema import NOW, TS, metadata

suppressions = sa.Table(
    "suppressions", metadata,
    sa.Column("suppression_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("key_type", sa.Text, nullable=False),  # email | phone | domain (core.suppression.KeyType)
    sa.Column("key", sa.Text, nullable=False),  # normalized: lower-case address, E.164, domain
    sa.Column("channel", sa.Text, nullable=False, server_default="all"),  # all (DNC) | email | sms | voice
    sa.Column("reason", sa.Text),
    sa.Column("source", sa.Text, nullable=False, server_default="manual"),
    sa.Column("revoked_at", TS),  # when the opt-out was given (None: always applies)
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.UniqueConstraint("key_type", "key", "channel", name="uq_suppressions_key_channel"),
)

behavior_events = sa.Table(
    "behavior_events", metadata,
    sa.Column("event_id", sa.Text, primary_key=True),  # idempotency: the sender's id, else a content hash
    sa.Column("lead_id", sa.Text, index=True),
    sa.Column("email_key", sa.Text, index=True),  # events that name only an address are joined through it
    sa.Column("event_type", sa.Text, nullable=False),
    sa.Column("occurred_at", TS, nullable=False, index=True),  # the re-score finds decay crossings by it
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("payload", JSONB, nullable=False, server_default="{}"),
    sa.Column("received_at", TS, nullable=False, server_default=NOW, index=True),
)

outcomes = sa.Table(
    "outcomes", metadata,
    sa.Column("lead_id", sa.Text, primary_key=True),
    sa.Column("converted", sa.Boolean, nullable=False),
    sa.Column("outcome", sa.Text),  # the CRM's stage name, kept as given
    sa.Column("value", sa.Numeric),
    sa.Column("occurred_at", TS),
    sa.Column("source", sa.Text, nullable=False, server_default="import"),
    sa.Column("recorded_at", TS, nullable=False, server_default=NOW),
)

score_models = sa.Table(
    "score_models", metadata,
    sa.Column("version", sa.Text, primary_key=True),
    sa.Column("status", sa.Text, nullable=False),  # trained | insufficient_data
    sa.Column("manifest", JSONB, nullable=False),
    sa.Column("model_bytes", sa.LargeBinary),
    sa.Column("trained_at", TS, nullable=False, server_default=NOW),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("uq_score_models_active", "is_active", unique=True, postgresql_where=sa.text("is_active")),
)
