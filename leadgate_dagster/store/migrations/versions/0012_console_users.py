"""review console: users (argon2 hashes), server-side sessions, failed sign-ins per user and per address,
and the console's generated secret

Revision ID: 0012_console_users
Revises: 0013_identity_parameters (numbered 0012 when it was planned; it applies after 0013, which landed
first, so a database already at 0013 gets it too)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_console_users"
down_revision = "0013_identity_parameters"
branch_labels = None
depends_on = None

S = "leadgate"
TS = sa.DateTime(timezone=True)
NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "console_users",
        sa.Column("user_id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False, server_default=NOW),
        sa.Column("password_changed_at", TS, nullable=False, server_default=NOW),
        sa.Column("last_sign_in_at", TS),
        sa.Column("disabled_at", TS), schema=S)
    op.create_table(
        "console_sessions",
        sa.Column("session_hash", sa.Text, primary_key=True),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False), schema=S)
    op.create_index("ix_leadgate_console_sessions_user_id", "console_sessions", ["user_id"], schema=S)
    op.create_table(
        "console_sign_in_failures",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failed_at", TS, nullable=False), schema=S)
    op.create_table(
        "console_secrets",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False, server_default=NOW), schema=S)


def downgrade() -> None:
    for table in ("console_secrets", "console_sign_in_failures", "console_sessions", "console_users"):
        op.drop_table(table, schema=S)
