"""Behaviour on the disposition: each disposition row records its engagement score (decayed behaviour, 0-100)
and priority score (the model's, or the rules' when no model qualifies), so a re-score that moves only
engagement records the new scores (history kept); qualified_leads shows both, after its other columns

Revision ID: 0008_engagement_priority
Revises: 0007_candidate_indexes
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from alembic import op

revision = "0008_engagement_priority"
down_revision = "0007_candidate_indexes"
branch_labels = None
depends_on = None

S = "leadgate"

# 0006's view with the two scores after its last column (CREATE VIEW keeps the documented column order)
_V0006 = importlib.import_module("leadgate_dagster.store.migrations.versions.0006_qualified_leads_contract")
_LAST = "d.model_version, d.decided_by\n"
QUALIFIED_LEADS_VIEW = _V0006.QUALIFIED_LEADS_VIEW.replace(
    _LAST, _LAST.rstrip("\n") + ",\n       d.engagement_score AS qa_engagement_score, d.priority_score AS qa_priority_score\n")
assert QUALIFIED_LEADS_VIEW != _V0006.QUALIFIED_LEADS_VIEW


def upgrade() -> None:
    op.add_column("dispositions", sa.Column("engagement_score", sa.Integer), schema=S)
    op.add_column("dispositions", sa.Column("priority_score", sa.Integer), schema=S)
    op.execute("""
        UPDATE leadgate.dispositions
        SET engagement_score = (score_inputs -> 'engagement' ->> 'engagement_score')::numeric::int,
            priority_score = (score_inputs -> 'priority' ->> 'priority_score')::numeric::int
        WHERE jsonb_typeof(score_inputs -> 'engagement' -> 'engagement_score') = 'number'
          AND jsonb_typeof(score_inputs -> 'priority' -> 'priority_score') = 'number'
    """)
    op.execute("DROP VIEW IF EXISTS leadgate.qualified_leads")
    op.execute(QUALIFIED_LEADS_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS leadgate.qualified_leads")
    op.execute(_V0006.QUALIFIED_LEADS_VIEW)
    op.drop_column("dispositions", "priority_score", schema=S)
    op.drop_column("dispositions", "engagement_score", schema=S)
