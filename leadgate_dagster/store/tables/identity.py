"""The identity graph's tables: persons, the keys and blocking profile of each lead, lead -> person links, the
merge log that makes every merge reversible and the golden record (identity pairs awaiting a person are
items of the review queue, `store/tables/review.py`).

Migration 0004 creates the pg_trgm and fuzzystrmatch extensions the `lead_keys` indexes need.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from leadgate_dagster.store.tables.schema import NOW, TS, metadata

persons = sa.Table(
    "persons", metadata,
    sa.Column("person_id", sa.Text, primary_key=True),
    sa.Column("first_lead_id", sa.Text, nullable=False),
    sa.Column("merged_into", sa.Text, index=True),  # the survivor; an absorbed id keeps pointing there
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
)

identity_keys = sa.Table(
    "identity_keys", metadata,
    sa.Column("key_type", sa.Text, primary_key=True),  # email | phone | device
    sa.Column("key_value", sa.Text, primary_key=True),
    sa.Column("person_id", sa.Text, nullable=False, index=True),  # who held it first (follow merged_into)
    sa.Column("first_lead_id", sa.Text, nullable=False),
    sa.Column("is_shared", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("distinct_names", sa.Integer, nullable=False, server_default="1"),
)

identity_key_names = sa.Table(
    "identity_key_names", metadata,  # the distinct names seen with a key: what makes it shared
    sa.Column("key_type", sa.Text, primary_key=True),
    sa.Column("key_value", sa.Text, primary_key=True),
    sa.Column("name_sig", sa.Text, primary_key=True),
)

lead_keys = sa.Table(
    "lead_keys", metadata,  # the engine's normalized keys per lead: the graph's blocking profile
    sa.Column("lead_id", sa.Text, primary_key=True),
    *[sa.Column(c, sa.Text) for c in ("first", "last", "full_name", "email", "domain", "company", "company_slug",
                                      "phone_1", "phone_2", "device_1", "device_2", "city", "region", "postal",
                                      "name_sig", "dob", "street", "address", "title")],
    sa.Index("ix_lead_keys_address", "address"),
    sa.Index("ix_lead_keys_dob", "dob"),
    sa.Index("ix_lead_keys_email", "email"),
    sa.Index("ix_lead_keys_phone_1", "phone_1"),
    sa.Index("ix_lead_keys_phone_2", "phone_2"),
    sa.Index("ix_lead_keys_device_1", "device_1"),
    sa.Index("ix_lead_keys_device_2", "device_2"),
    sa.Index("ix_lead_keys_domain_last", "domain", "last"),
    sa.Index("ix_lead_keys_domain_first", "domain", "first"),
    # tier C candidates: similar whole names at one company (btree_gin + pg_trgm: both conditions in one index
    # scan; a company may hold thousands of leads), same-sounding names at one company or one postal code
    # (fuzzystrmatch). No GIN pending list: every batch searches right after the last one wrote, and a pending
    # list is scanned linearly by each of those searches (65 s instead of 1 s for 2,000 names after a
    # 10,000-lead batch).
    sa.Index("ix_lead_keys_company_name_trgm", "company_slug", "full_name", postgresql_using="gin",
             postgresql_ops={"full_name": "gin_trgm_ops"}, postgresql_with={"fastupdate": "off"}),
)
sa.Index("ix_lead_keys_company_dm_last", lead_keys.c.company_slug, sa.func.dmetaphone(lead_keys.c.last))
sa.Index("ix_lead_keys_postal_dm_last", lead_keys.c.postal, sa.func.dmetaphone(lead_keys.c.last))
sa.Index("ix_lead_keys_company_dm_first", lead_keys.c.company_slug, sa.func.dmetaphone(lead_keys.c.first))

lead_person = sa.Table(
    "lead_person", metadata,
    sa.Column("lead_id", sa.Text, primary_key=True),
    sa.Column("person_id", sa.Text, nullable=False, index=True),  # always a surviving (not merged) person
    sa.Column("duplicate_of", sa.Text),  # the person's earlier lead this one duplicates
    sa.Column("tier", sa.Text),  # A | B | replay | manual, for links made by a match
    sa.Column("evidence", sa.Text),
    sa.Column("matched_at", TS, nullable=False, server_default=NOW),
    sa.Column("probability", sa.Float),
    sa.Column("decision", sa.Text),  # new | auto_merge | review (kept its own person) | replay
)

merge_log = sa.Table(
    "merge_log", metadata,
    sa.Column("merge_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("action", sa.Text, nullable=False),  # merge | split
    sa.Column("survivor", sa.Text, nullable=False, index=True),
    sa.Column("absorbed", sa.Text, nullable=False, index=True),  # for a split: the new person
    sa.Column("tier", sa.Text),
    sa.Column("probability", sa.Float),
    sa.Column("evidence", JSONB, nullable=False),  # explanation + per-field contributions in bits
    sa.Column("actor", sa.Text, nullable=False),  # rule:<ruleset>/<model> | reviewer:<name>
    sa.Column("moved_leads", JSONB, nullable=False),  # lead ids re-pointed, so undo is exact
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.Column("undone_at", TS),
    sa.Column("undone_by", sa.Text),
)

golden_records = sa.Table(
    "golden_records", metadata,
    sa.Column("person_id", sa.Text, primary_key=True),
    sa.Column("field", sa.Text, primary_key=True),
    sa.Column("value", sa.Text),
    sa.Column("source_lead_id", sa.Text),
    sa.Column("source", sa.Text),
    sa.Column("reason", sa.Text, nullable=False),  # provenance: which survivorship rule chose it
    sa.Column("curated", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("updated_at", TS, nullable=False, server_default=NOW),
)

identity_parameters = sa.Table(
    "identity_parameters", metadata,  # estimated parameter sets; the active one judges the pipeline's batches
    sa.Column("version", sa.Text, primary_key=True),  # <shipped model>+em.<hash of the parameters>
    sa.Column("model", JSONB, nullable=False),  # MatchModel.to_dict(): weights, prior, term-frequency tables
    sa.Column("report", JSONB, nullable=False),  # what was estimated from what (estimation.Estimate.report)
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("activated_at", TS),
    sa.Column("activated_by", sa.Text),
    sa.Column("reason", sa.Text),
    sa.Index("uq_identity_parameters_active", "is_active", unique=True, postgresql_where=sa.text("is_active")),
)
