"""Intake tables: the files received, one event per record received (file or API), the API's stored answers
per Idempotency-Key, and the batches events are claimed into."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from leadgate_dagster.store.tables.schema import NOW, TEXTS, TS, metadata

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
    sa.Column("scope", sa.Text, primary_key=True),  # the caller: an Idempotency-Key is one caller's own
    sa.Column("endpoint", sa.Text, primary_key=True),  # leads | events
    sa.Column("idempotency_key", sa.Text, primary_key=True),
    sa.Column("request_hash", sa.Text, nullable=False),
    sa.Column("status_code", sa.Integer, nullable=False),
    sa.Column("response_body", sa.LargeBinary, nullable=False),  # replayed byte for byte
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.Index("ix_api_requests_created", "created_at"),
)

batches = sa.Table(
    "batches", metadata,
    sa.Column("batch_id", sa.Text, primary_key=True),
    sa.Column("event_count", sa.Integer, nullable=False),
    sa.Column("status", sa.Text, nullable=False),  # claimed | done
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.Column("done_at", TS),
)
