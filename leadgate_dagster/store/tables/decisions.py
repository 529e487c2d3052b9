"""The decisions on leads (one current disposition per lead, older ones kept) and the rulesets they were made
under (one active at a time)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from leadgate_dagster.store.tables.schema import NOW, TEXTS, TS, metadata

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
    # routing (migration 0014): who works a routed lead and why, the account it matched, a compliant but
    # ineligible lead's alternate offer
    sa.Column("owner_email", sa.Text),
    sa.Column("owner_rule", sa.Text),  # territory:<dimensions> | account | person | reviewer
    sa.Column("account_id", sa.Text),
    sa.Column("account_match", sa.Text),  # email_domain | website | company_name
    sa.Column("account_match_confidence", sa.Integer),  # 0-100
    sa.Column("alternate_offer", sa.Text),  # <flow>:<offer>
    sa.Index("uq_dispositions_current", "lead_id", unique=True, postgresql_where=sa.text("is_current")),
    # the review queue's score_review scan reads the current decisions of the last hours
    sa.Index("ix_dispositions_current_decided_at", "decided_at", postgresql_where=sa.text("is_current")),
    # an owner's routed leads (moved when the owner leaves)
    sa.Index("ix_dispositions_current_owner", "owner_email", postgresql_where=sa.text("is_current")),
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
