"""identity graph: merge_log, review_items, golden_records, lead_keys (blocking profile with trigram and
phonetic indexes), key name counts; shared-key flags on identity_keys, probability/decision on lead_person

Revision ID: 0004_identity_graph
Revises: 0003_enrichment_cache
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_identity_graph"
down_revision = "0003_enrichment_cache"
branch_labels = None
depends_on = None

S = "leadgate"
TS = sa.DateTime(timezone=True)
NOW = sa.text("now()")
KEY_COLUMNS = ("first", "last", "full_name", "email", "domain", "company", "company_slug", "phone_1", "phone_2",
               "device_1", "device_2", "city", "region", "postal", "name_sig")
BTREE = {"email": ["email"], "phone_1": ["phone_1"], "phone_2": ["phone_2"], "device_1": ["device_1"],
         "device_2": ["device_2"], "domain_last": ["domain", "last"], "domain_first": ["domain", "first"]}


def upgrade() -> None:
    # both ship with PostgreSQL's contrib (the CI server and the embedded wheel)
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")
    op.add_column("identity_keys", sa.Column("is_shared", sa.Boolean(), server_default=sa.false(), nullable=False),
                  schema=S)
    op.add_column("identity_keys", sa.Column("distinct_names", sa.Integer(), server_default="1", nullable=False),
                  schema=S)
    op.add_column("lead_person", sa.Column("probability", sa.Float(), nullable=True), schema=S)
    op.add_column("lead_person", sa.Column("decision", sa.Text(), nullable=True), schema=S)
    op.create_index(op.f("ix_leadgate_persons_merged_into"), "persons", ["merged_into"], schema=S)
    op.create_table(
        "identity_key_names",
        sa.Column("key_type", sa.Text(), nullable=False), sa.Column("key_value", sa.Text(), nullable=False),
        sa.Column("name_sig", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key_type", "key_value", "name_sig"), schema=S)
    op.create_table(
        "lead_keys", sa.Column("lead_id", sa.Text(), nullable=False),
        *[sa.Column(c, sa.Text(), nullable=True) for c in KEY_COLUMNS],
        sa.PrimaryKeyConstraint("lead_id"), schema=S)
    for name, cols in BTREE.items():
        op.create_index(f"ix_lead_keys_{name}", "lead_keys", cols, schema=S)
    # tier C candidates: similar whole names (trigram) and same-sounding names at one company (phonetic)
    op.execute("CREATE INDEX ix_lead_keys_name_trgm ON leadgate.lead_keys USING gin (full_name gin_trgm_ops)")
    op.execute("CREATE INDEX ix_lead_keys_company_dm_last ON leadgate.lead_keys (company_slug, dmetaphone(last))")
    op.execute("CREATE INDEX ix_lead_keys_company_dm_first ON leadgate.lead_keys (company_slug, dmetaphone(first))")
    op.create_table(
        "merge_log",
        sa.Column("merge_id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("survivor", sa.Text(), nullable=False), sa.Column("absorbed", sa.Text(), nullable=False),
        sa.Column("tier", sa.Text(), nullable=True), sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("evidence", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("moved_leads", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", TS, server_default=NOW, nullable=False),
        sa.Column("undone_at", TS, nullable=True), sa.Column("undone_by", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("merge_id"), schema=S)
    op.create_index(op.f("ix_leadgate_merge_log_survivor"), "merge_log", ["survivor"], schema=S)
    op.create_index(op.f("ix_leadgate_merge_log_absorbed"), "merge_log", ["absorbed"], schema=S)
    op.create_table(
        "review_items",
        sa.Column("review_id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("lead_id", sa.Text(), nullable=False),
        sa.Column("candidate_person_id", sa.Text(), nullable=False),
        sa.Column("candidate_lead_id", sa.Text(), nullable=False),
        sa.Column("tier", sa.Text(), nullable=False), sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default="open", nullable=False),
        sa.Column("created_at", TS, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("review_id"),
        sa.UniqueConstraint("lead_id", "candidate_lead_id", name="uq_review_items_pair"), schema=S)
    op.create_index(op.f("ix_leadgate_review_items_lead_id"), "review_items", ["lead_id"], schema=S)
    op.create_table(
        "golden_records",
        sa.Column("person_id", sa.Text(), nullable=False), sa.Column("field", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True), sa.Column("source_lead_id", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True), sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("curated", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("updated_at", TS, server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("person_id", "field"), schema=S)


def downgrade() -> None:
    op.drop_table("golden_records", schema=S)
    op.drop_table("review_items", schema=S)
    op.drop_table("merge_log", schema=S)
    op.drop_table("lead_keys", schema=S)
    op.drop_table("identity_key_names", schema=S)
    op.drop_index(op.f("ix_leadgate_persons_merged_into"), table_name="persons", schema=S)
    op.drop_column("lead_person", "decision", schema=S)
    op.drop_column("lead_person", "probability", schema=S)
    op.drop_column("identity_keys", "distinct_names", schema=S)
    op.drop_column("identity_keys", "is_shared", schema=S)
