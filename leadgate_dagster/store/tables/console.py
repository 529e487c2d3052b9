"""Who may use the review console: its users (argon2 hashes only), their sessions (kept here, so a sign-out
or a disabled user ends them at once in every process), the failed sign-ins that slow a guesser down, and
the console's generated secret."""

from __future__ import annotations

import sqlalchemy as sa

from leadgate_dagster.store.tables.schema import NOW, TS, metadata

console_users = sa.Table(
    "console_users", metadata,
    sa.Column("user_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),  # logged as reviewer:<name> on every action
    sa.Column("role", sa.Text, nullable=False),  # reviewer | admin
    sa.Column("password_hash", sa.Text, nullable=False),  # argon2id, with its parameters and salt
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.Column("password_changed_at", TS, nullable=False, server_default=NOW),
    sa.Column("last_sign_in_at", TS),
    sa.Column("disabled_at", TS),
)

console_sessions = sa.Table(
    "console_sessions", metadata,
    sa.Column("session_hash", sa.Text, primary_key=True),  # HMAC of the cookie's token; never the token
    sa.Column("user_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("last_seen_at", TS, nullable=False),  # idle expiry counts from here
)

console_sign_in_failures = sa.Table(
    "console_sign_in_failures", metadata,  # one row per user name and per client address that failed lately
    sa.Column("key", sa.Text, primary_key=True),  # user:<name> | ip:<address>
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failed_at", TS, nullable=False),
)

console_secrets = sa.Table(
    "console_secrets", metadata,  # generated on first use when LEADGATE_SESSION_SECRET is not set
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
)
