"""routing: owners (SDRs, AEs, queues with territory, capacity, weight, working hours), accounts and their
domains, the daily capacity counters and the round robin's totals, one open next step per routed lead (task or
meeting link); dispositions gain owner_email, owner_rule, account_id, account_match (+ its confidence) and
alternate_offer, and qualified_leads shows them as its last columns

Revision ID: 0014_routing
Revises: 0015_crm_outbox
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0014_routing"
down_revision = "0015_crm_outbox"
branch_labels = None
depends_on = None

S = "leadgate"
TS = sa.DateTime(timezone=True)
NOW = sa.text("now()")
TEXTS = ARRAY(sa.Text)
DISPOSITION_COLUMNS = (("owner_email", sa.Text), ("owner_rule", sa.Text), ("account_id", sa.Text),
                       ("account_match", sa.Text), ("account_match_confidence", sa.Integer),
                       ("alternate_offer", sa.Text))

_V0009 = importlib.import_module("leadgate_dagster.store.migrations.versions.0009_info_reasons_locality")
_LAST = "ELSE l.city END AS locality\n"
QUALIFIED_LEADS_VIEW = _V0009.QUALIFIED_LEADS_VIEW.replace(
    _LAST, _LAST.rstrip("\n") + ",\n       d.owner_email, d.owner_rule, d.account_id, d.account_match,"
                                " d.account_match_confidence, d.alternate_offer\n")
assert _LAST in _V0009.QUALIFIED_LEADS_VIEW


def upgrade() -> None:
    op.create_table(
        "owners",
        sa.Column("email", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("countries", TEXTS, nullable=False, server_default="{}"),
        sa.Column("regions", TEXTS, nullable=False, server_default="{}"),
        sa.Column("postal_prefixes", TEXTS, nullable=False, server_default="{}"),
        sa.Column("segment", sa.Text),
        sa.Column("daily_capacity", sa.Integer),
        sa.Column("weight", sa.Integer, nullable=False, server_default="1"),
        sa.Column("timezone", sa.Text, nullable=False),
        sa.Column("working_hours", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", TS, nullable=False, server_default=NOW),
        sa.Column("updated_at", TS, nullable=False, server_default=NOW),
        sa.Column("deactivated_at", TS), schema=S)
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_key", sa.Text, nullable=False),
        sa.Column("website", sa.Text),
        sa.Column("owner_email", sa.Text),
        sa.Column("segment", sa.Text),
        sa.Column("created_at", TS, nullable=False, server_default=NOW),
        sa.Column("updated_at", TS, nullable=False, server_default=NOW), schema=S)
    op.create_index("ix_accounts_name_key", "accounts", ["name_key"], schema=S)
    op.execute("CREATE INDEX ix_accounts_name_key_trgm ON leadgate.accounts USING gin (name_key gin_trgm_ops) "
               "WITH (fastupdate = off)")  # see tables/routing.py
    op.create_table(
        "account_domains",
        sa.Column("domain", sa.Text, primary_key=True),
        sa.Column("account_id", sa.Text, nullable=False), schema=S)
    op.create_index(op.f("ix_leadgate_account_domains_account_id"), "account_domains", ["account_id"], schema=S)
    op.create_table(
        "owner_loads",
        sa.Column("owner_email", sa.Text, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("assigned", sa.Integer, nullable=False), schema=S)
    op.create_table(
        "routing_rotation",
        sa.Column("pool", sa.Text, primary_key=True),
        sa.Column("owner_email", sa.Text, primary_key=True),
        sa.Column("current_weight", sa.Float, nullable=False), schema=S)
    op.create_table(
        "next_steps",
        sa.Column("next_step_id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("lead_id", sa.Text, nullable=False),
        sa.Column("disposition_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("owner_email", sa.Text, nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("channels", TEXTS, nullable=False, server_default="{}"),
        sa.Column("sequence", sa.Text),
        sa.Column("meeting_url", sa.Text),
        sa.Column("status", sa.Text, nullable=False, server_default="open"),
        sa.Column("created_at", TS, nullable=False, server_default=NOW),
        sa.Column("superseded_at", TS), schema=S)
    op.create_index(op.f("ix_leadgate_next_steps_lead_id"), "next_steps", ["lead_id"], schema=S)
    op.create_index("uq_next_steps_open", "next_steps", ["lead_id"], unique=True, schema=S,
                    postgresql_where=sa.text("status = 'open'"))
    for name, kind in DISPOSITION_COLUMNS:
        op.add_column("dispositions", sa.Column(name, kind()), schema=S)
    op.create_index("ix_dispositions_current_owner", "dispositions", ["owner_email"], schema=S,
                    postgresql_where=sa.text("is_current"))
    op.execute("DROP VIEW IF EXISTS leadgate.qualified_leads")
    op.execute(QUALIFIED_LEADS_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS leadgate.qualified_leads")
    op.drop_index("ix_dispositions_current_owner", "dispositions", schema=S)
    for name, _ in DISPOSITION_COLUMNS:
        op.drop_column("dispositions", name, schema=S)
    op.execute(_V0009.QUALIFIED_LEADS_VIEW)
    for table in ("next_steps", "routing_rotation", "owner_loads", "account_domains", "accounts", "owners"):
        op.drop_table(table, schema=S)
