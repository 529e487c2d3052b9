"""The review queue: one item per held lead, identity pair, sampled auto-merge, doubtful score or handoff
exception; the decision log of everything done to an item; the reviewers' standing overrides on a lead.

Migration 0011 made the identity graph's `review_items` (pairs only) this queue, its rows `merge_candidate`
items. The lifecycle (`core/review/lifecycle.py`, docs/review-queue.md): open -> in_progress -> resolved, or
expired at the TTL; escalation and the fallback are marks on an open item, not states of their own.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from leadgate_dagster.store.tables.schema import NOW, TEXTS, TS, metadata

OPEN_STATUSES = ("open", "in_progress")
_OPEN = sa.text("status IN ('open', 'in_progress')")

review_items = sa.Table(
    "review_items", metadata,
    sa.Column("review_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),  # quarantine | merge_candidate | merge_audit | score_review | ...
    sa.Column("lead_id", sa.Text, nullable=False, index=True),
    sa.Column("source", sa.Text),  # the lead's source: priority, filters, one escalation alert per kind+source
    sa.Column("candidate_person_id", sa.Text),  # a pair's other person (merge_candidate, merge_audit)
    sa.Column("candidate_lead_id", sa.Text),  # a pair's other lead
    sa.Column("merge_id", sa.BigInteger),  # merge_audit of a person merge: the merge_log row under audit
    sa.Column("disposition_id", sa.BigInteger),  # the decision the item was raised for (quarantine, score_review)
    sa.Column("tier", sa.Text),
    sa.Column("probability", sa.Float),
    sa.Column("explanation", sa.Text),
    sa.Column("reason_codes", TEXTS, nullable=False, server_default="{}"),
    sa.Column("priority", sa.Float, nullable=False, server_default="0"),
    sa.Column("status", sa.Text, nullable=False, server_default="open"),  # open | in_progress | resolved | expired
    sa.Column("assignee", sa.Text),
    sa.Column("assigned_at", TS),
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.Column("due_at", TS, nullable=False),  # escalated when still open then (review.sla_hours)
    sa.Column("fallback_at", TS, nullable=False),  # its reason family's fallback (review.fallback_after_hours)
    sa.Column("expires_at", TS, nullable=False),  # review.ttl_days
    sa.Column("escalated_at", TS),
    sa.Column("fallback_taken_at", TS),
    sa.Column("rechecked_at", TS),
    sa.Column("resolved_at", TS),  # when it was closed (resolved or expired)
    sa.Column("resolved_by", sa.Text),  # reviewer:<name> | fallback | expiry | recheck | pipeline | ...
    sa.Column("resolution", sa.Text),  # the action that closed it: verify, route, merge, ..., redecided, expired
    sa.Column("resolution_note", sa.Text),
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),  # bumped by every change: a stale
    sa.Column("updated_at", TS, nullable=False, server_default=NOW),      # action is a conflict
    # at most one open item per (lead, kind, candidate); a closed one may be followed by a new one
    sa.Index("uq_review_items_open", "lead_id", "kind", "candidate_lead_id", unique=True,
             postgresql_nulls_not_distinct=True, postgresql_where=_OPEN),
    sa.Index("ix_review_items_open_priority", sa.text("priority DESC"), "review_id", postgresql_where=_OPEN),
    sa.Index("ix_review_items_due", "due_at", postgresql_where=sa.text(
        "status IN ('open', 'in_progress') AND escalated_at IS NULL")),
    sa.Index("ix_review_items_fallback", "fallback_at", postgresql_where=sa.text(
        "status IN ('open', 'in_progress') AND fallback_taken_at IS NULL")),
    sa.Index("ix_review_items_expires", "expires_at", postgresql_where=_OPEN),
    sa.Index("ix_review_items_resolved", "resolved_at", postgresql_where=sa.text("resolved_at IS NOT NULL")),
)

review_decisions = sa.Table(
    "review_decisions", metadata,  # the decision log: every action on an item, by a person or a job
    sa.Column("decision_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("review_id", sa.BigInteger, nullable=False, index=True),
    sa.Column("lead_id", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),  # reviewer:<name> | fallback | expiry | escalation | ...
    sa.Column("before", JSONB, nullable=False),  # the item (and the lead's disposition) before
    sa.Column("after", JSONB, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("disposition_id", sa.BigInteger),  # the disposition row the action wrote, if it wrote one
    sa.Column("decided_at", TS, nullable=False),
)

review_overrides = sa.Table(
    "review_overrides", metadata,  # what every later decision on the lead keeps: waived codes, score adjustments
    sa.Column("override_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("lead_id", sa.Text, nullable=False, index=True),
    sa.Column("kind", sa.Text, nullable=False),  # waive (a reason set aside) | adjust_priority (points)
    sa.Column("code", sa.Text),
    sa.Column("delta", sa.Integer),
    sa.Column("review_id", sa.BigInteger),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("created_at", TS, nullable=False),
)
