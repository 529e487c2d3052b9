"""SQLAlchemy Core tables of leadgate's own schema (Dagster keeps its storage in `public`).

Migrations under `store/migrations/` create these; `tests/store/test_migrations.py` checks that the two agree.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from leadgate_dagster.core.lead_schema import CANONICAL_FIELDS

SCHEMA = "leadgate"
metadata = sa.MetaData(schema=SCHEMA)
TS = sa.DateTime(timezone=True)
NOW = sa.text("now()")
TEXTS = ARRAY(sa.Text)

intake_files = sa.Table(
    "intake_files", metadata,
    sa.Column("file_id", sa.Text, primary_key=True),  # sha256 of the content: a file is ingested once
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("format", sa.Text),
    sa.Column("encoding", sa.Text),
    sa.Column("status", sa.Text, nullable=False),  # importing | parsed | rejected
    sa.Column("record_count", sa.Integer),
    sa.Column("error_code", sa.Text),
    sa.Column("error_detail", sa.Text),
    sa.Column("stored_path", sa.Text),
    sa.Column("received_at", TS, nullable=False, server_default=NOW),
    sa.Column("parsed_at", TS),
)

intake_events = sa.Table(
    "intake_events", metadata,
    sa.Column("event_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("lead_id", sa.Text, nullable=False, unique=True),
    sa.Column("channel", sa.Text, nullable=False),  # file | api
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("file_id", sa.Text),
    sa.Column("record_no", sa.Integer),
    sa.Column("payload", JSONB, nullable=False),  # the record as received (NULs escaped)
    sa.Column("fields", JSONB, nullable=False),  # canonical field -> cleaned value
    sa.Column("extra", JSONB, nullable=False),  # unknown columns, carried along
    sa.Column("intake_codes", TEXTS, nullable=False, server_default="{}"),
    sa.Column("parse_error", sa.Text),
    sa.Column("parse_detail", sa.Text),
    sa.Column("idempotency_key", sa.Text, nullable=False),
    sa.Column("key_kind", sa.Text, nullable=False),  # external | content
    sa.Column("replay_of", sa.Text),  # lead_id of the record this one replays
    sa.Column("received_at", TS, nullable=False, server_default=NOW),
    sa.Column("batch_id", sa.Text),
    sa.Column("claimed_at", TS),
    sa.Column("lease_expires_at", TS),
    sa.Column("processed_at", TS),
    sa.Index("ix_intake_events_key", "idempotency_key", "event_id"),
    sa.Index("ix_intake_events_batch", "batch_id"),
    sa.Index("ix_intake_events_pending", "event_id", postgresql_where=sa.text("processed_at IS NULL")),
    sa.UniqueConstraint("file_id", "record_no", name="uq_intake_events_file_record"),
)

api_requests = sa.Table(
    "api_requests", metadata,
    sa.Column("idempotency_key", sa.Text, primary_key=True),
    sa.Column("request_hash", sa.Text, nullable=False),
    sa.Column("response", JSONB, nullable=False),
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
)

batches = sa.Table(
    "batches", metadata,
    sa.Column("batch_id", sa.Text, primary_key=True),
    sa.Column("event_count", sa.Integer, nullable=False),
    sa.Column("status", sa.Text, nullable=False),  # claimed | done
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.Column("done_at", TS),
)

leads = sa.Table(
    "leads", metadata,
    sa.Column("lead_id", sa.Text, primary_key=True),
    sa.Column("batch_id", sa.Text, nullable=False, index=True),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("file_id", sa.Text),
    sa.Column("record_no", sa.Integer),
    sa.Column("received_at", TS, nullable=False),
    sa.Column("replay_of", sa.Text),
    *[sa.Column(name, sa.Text) for name in CANONICAL_FIELDS],
    sa.Column("extra", JSONB, nullable=False, server_default="{}"),
    # normalized values live beside the values as given
    sa.Column("email_normalized", sa.Text),
    sa.Column("email_key", sa.Text, index=True),
    sa.Column("email_domain", sa.Text),
    sa.Column("email_status", sa.Text),
    sa.Column("email_flags", TEXTS),
    sa.Column("phone_e164", sa.Text, index=True),
    sa.Column("phone_status", sa.Text),
    sa.Column("phone_type", sa.Text),
    sa.Column("company_domain", sa.Text),
    sa.Column("validation", JSONB),  # the engine's full per-lead output, for explanation
    sa.Column("validated_at", TS),
    sa.Column("enriched_at", TS),
    sa.Column("ruleset_version", sa.Text),
)

lead_checks = sa.Table(
    "lead_checks", metadata,
    sa.Column("lead_id", sa.Text, primary_key=True),
    sa.Column("stage", sa.Text, primary_key=True),
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("severity", sa.Text, nullable=False),
    sa.Column("detail", sa.Text),
    sa.Column("ruleset_version", sa.Text, nullable=False),
    sa.Column("checked_at", TS, nullable=False, server_default=NOW),
)

enrichments = sa.Table(
    "enrichments", metadata,
    sa.Column("lead_id", sa.Text, primary_key=True),
    sa.Column("provider", sa.Text, primary_key=True),
    sa.Column("status", sa.Text, nullable=False),  # ok | miss | unavailable
    sa.Column("result", JSONB, nullable=False),
    sa.Column("fetched_at", TS, nullable=False, server_default=NOW),
)

dispositions = sa.Table(
    "dispositions", metadata,
    sa.Column("disposition_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("lead_id", sa.Text, nullable=False, index=True),
    sa.Column("disposition", sa.Text, nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("score_reachability", sa.Integer, nullable=False),
    sa.Column("score_consent", sa.Integer, nullable=False),
    sa.Column("score_fit", sa.Integer, nullable=False),
    sa.Column("score_inputs", JSONB, nullable=False),
    sa.Column("reason_codes", TEXTS, nullable=False),
    sa.Column("allowed_channels", TEXTS, nullable=False),
    sa.Column("ruleset_version", sa.Text, nullable=False),
    sa.Column("model_version", sa.Text, nullable=False),
    sa.Column("engagement_score", sa.Integer),  # decayed behaviour, 0-100 (NULL on rows older than 0008)
    sa.Column("priority_score", sa.Integer),  # the model's priority, or the rules' (priority_source in score_inputs)
    sa.Column("decided_by", sa.Text, nullable=False),  # pipeline | reviewer:<name> | recheck
    sa.Column("decided_at", TS, nullable=False, server_default=NOW),
    sa.Column("is_current", sa.Boolean, nullable=False),
    sa.Index("uq_dispositions_current", "lead_id", unique=True, postgresql_where=sa.text("is_current")),
)

rulesets = sa.Table(
    "rulesets", metadata,
    sa.Column("content_hash", sa.Text, primary_key=True),
    sa.Column("version", sa.Text, nullable=False),
    sa.Column("body", JSONB, nullable=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("activated_at", TS, nullable=False, server_default=NOW),
    sa.Column("is_active", sa.Boolean, nullable=False),
    sa.Index("uq_rulesets_active", "is_active", unique=True, postgresql_where=sa.text("is_active")),
)

alerts = sa.Table(
    "alerts", metadata,
    sa.Column("alert_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("severity", sa.Text, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("details", JSONB, nullable=False, server_default="{}"),
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
)

from leadgate_dagster.store import (
    tables_dns,  # noqa: F401  (registers mx_cache on this metadata)
    tables_enrichment,  # noqa: F401  (enrichment_cache, leads indexes)
    tables_identity,  # noqa: F401  (persons, lead_person, merge_log, ...)
    tables_privacy,  # noqa: F401  (leads.ip_hmac)
    tables_scoring,  # noqa: F401  (suppressions, events, outcomes, models)
)
