"""review queue: `review_items` (identity pairs only) becomes the one queue of held leads, identity pairs,
merge audits, score reviews and handoff exceptions (kind, reason codes, priority, due times, assignee, how it
was closed, a version for conflicts), at most one open item per (lead, kind, candidate); the decision log
`review_decisions`; the reviewers' standing overrides `review_overrides`. Existing pairs become
`merge_candidate` items, due from their creation time under the shipped clock (4 h SLA, 24 h fallback, 10 days).

Revision ID: 0011_review_queue
Revises: 0010_api_access
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011_review_queue"
down_revision = "0010_api_access"
branch_labels = None
depends_on = None

S = "leadgate"
TS = sa.DateTime(timezone=True)
NOW = sa.text("now()")
OPEN = sa.text("status IN ('open', 'in_progress')")
PAIR_COLUMNS = ("candidate_person_id", "candidate_lead_id", "tier", "probability", "explanation")
# the shipped review clock when this migration was written (rulesets/default.yaml `review`); a carried pair is
# due as if the queue had existed when it was opened
CARRIED = """
    UPDATE leadgate.review_items r SET
      kind = 'merge_candidate',
      reason_codes = ARRAY[CASE r.tier WHEN 'A' THEN 'DUP_NAME_CONFLICT' ELSE 'DUP_TIER_' || r.tier END],
      source = (SELECT l.source FROM leadgate.leads l WHERE l.lead_id = r.lead_id),
      due_at = r.created_at + interval '4 hours',
      fallback_at = r.created_at + interval '24 hours',
      expires_at = r.created_at + interval '10 days',
      resolved_at = CASE WHEN r.status = 'resolved' THEN r.created_at END,
      resolved_by = CASE WHEN r.status = 'resolved' THEN 'migration' END
"""


def upgrade() -> None:
    op.drop_constraint("uq_review_items_pair", "review_items", schema=S)
    for name in PAIR_COLUMNS:
        op.alter_column("review_items", name, nullable=True, schema=S)
    for column in (
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("merge_id", sa.BigInteger(), nullable=True),
        sa.Column("disposition_id", sa.BigInteger(), nullable=True),
        sa.Column("reason_codes", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("priority", sa.Float(), server_default="0", nullable=False),
        sa.Column("assignee", sa.Text(), nullable=True),
        sa.Column("assigned_at", TS, nullable=True),
        sa.Column("due_at", TS, nullable=True),
        sa.Column("fallback_at", TS, nullable=True),
        sa.Column("expires_at", TS, nullable=True),
        sa.Column("escalated_at", TS, nullable=True),
        sa.Column("fallback_taken_at", TS, nullable=True),
        sa.Column("rechecked_at", TS, nullable=True),
        sa.Column("resolved_at", TS, nullable=True),
        sa.Column("resolved_by", sa.Text(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_at", TS, server_default=NOW, nullable=False),
    ):
        op.add_column("review_items", column, schema=S)
    op.execute(CARRIED)
    for name in ("kind", "due_at", "fallback_at", "expires_at"):
        op.alter_column("review_items", name, nullable=False, schema=S)
    op.create_index("uq_review_items_open", "review_items", ["lead_id", "kind", "candidate_lead_id"], unique=True,
                    postgresql_nulls_not_distinct=True, postgresql_where=OPEN, schema=S)
    op.create_index("ix_review_items_open_priority", "review_items", [sa.text("priority DESC"), "review_id"],
                    postgresql_where=OPEN, schema=S)
    op.create_index("ix_review_items_due", "review_items", ["due_at"], schema=S,
                    postgresql_where=sa.text("status IN ('open', 'in_progress') AND escalated_at IS NULL"))
    op.create_index("ix_review_items_fallback", "review_items", ["fallback_at"], schema=S,
                    postgresql_where=sa.text("status IN ('open', 'in_progress') AND fallback_taken_at IS NULL"))
    op.create_index("ix_review_items_expires", "review_items", ["expires_at"], postgresql_where=OPEN, schema=S)
    op.create_index("ix_review_items_resolved", "review_items", ["resolved_at"], schema=S,
                    postgresql_where=sa.text("resolved_at IS NOT NULL"))
    op.create_table(
        "review_decisions",
        sa.Column("decision_id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("review_id", sa.BigInteger(), nullable=False),
        sa.Column("lead_id", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("disposition_id", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("decision_id"), schema=S)
    op.create_index(op.f("ix_leadgate_review_decisions_review_id"), "review_decisions", ["review_id"], schema=S)
    op.create_table(
        "review_overrides",
        sa.Column("override_id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("lead_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("delta", sa.Integer(), nullable=True),
        sa.Column("review_id", sa.BigInteger(), nullable=True),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("override_id"), schema=S)
    op.create_index(op.f("ix_leadgate_review_overrides_lead_id"), "review_overrides", ["lead_id"], schema=S)
    op.create_index("ix_dispositions_current_decided_at", "dispositions", ["decided_at"],
                    postgresql_where=sa.text("is_current"), schema=S)


def downgrade() -> None:
    """Back to pairs only: items of the other kinds and pairs opened twice (a later one kept) are dropped."""
    op.drop_index("ix_dispositions_current_decided_at", "dispositions", schema=S)
    op.drop_table("review_overrides", schema=S)
    op.drop_table("review_decisions", schema=S)
    op.execute("""
        DELETE FROM leadgate.review_items r WHERE r.kind <> 'merge_candidate'
           OR EXISTS (SELECT 1 FROM leadgate.review_items o WHERE o.kind = 'merge_candidate'
                      AND o.lead_id = r.lead_id AND o.candidate_lead_id = r.candidate_lead_id
                      AND o.review_id < r.review_id)""")
    op.execute("UPDATE leadgate.review_items SET status = CASE WHEN status IN ('open', 'in_progress') THEN 'open' "
               "ELSE 'resolved' END")
    for name in ("uq_review_items_open", "ix_review_items_open_priority", "ix_review_items_due",
                 "ix_review_items_fallback", "ix_review_items_expires", "ix_review_items_resolved"):
        op.drop_index(name, "review_items", schema=S)
    for name in ("kind", "source", "merge_id", "disposition_id", "reason_codes", "priority", "assignee",
                 "assigned_at", "due_at", "fallback_at", "expires_at", "escalated_at", "fallback_taken_at",
                 "rechecked_at", "resolved_at", "resolved_by", "resolution", "resolution_note", "version",
                 "updated_at"):
        op.drop_column("review_items", name, schema=S)
    for name in PAIR_COLUMNS:
        op.alter_column("review_items", name, nullable=False, schema=S)
    op.create_unique_constraint("uq_review_items_pair", "review_items", ["lead_id", "candidate_lead_id"], schema=S)
