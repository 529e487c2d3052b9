"""qualified_leads: `qa_reason` leaves out the info-severity codes (recorded on almost every lead under the
defaults, they crowded out the reasons a person acts on; `dispositions.reason_codes` keeps them), and a new
last column `locality` gives the city as given or, where the decision placed the postal code
(LOCALITY_FROM_POSTAL_CODE), the geocoder's locality

Revision ID: 0009_info_reasons_locality
Revises: 0008_engagement_priority
"""

from __future__ import annotations

import importlib

from alembic import op

revision = "0009_info_reasons_locality"
down_revision = "0008_engagement_priority"
branch_labels = None
depends_on = None

# the catalogue's info codes when this view was made (core/reasons.py; a test keeps the two equal, so a new
# info code needs a new migration)
INFO_CODES = ("EMAIL_DOMAIN_UNVERIFIED", "LOCALITY_FROM_POSTAL_CODE", "SCORE_NEUTRAL_FALLBACK")

_V0008 = importlib.import_module("leadgate_dagster.store.migrations.versions.0008_engagement_priority")
_REASON = "d.reason_codes AS qa_reason"
_LAST = "d.priority_score AS qa_priority_score\n"
_INFO = ", ".join(f"'{c}'" for c in INFO_CODES)
# a replay has no enrichment rows of its own: its original's geocoding answer is the one its decision used
QUALIFIED_LEADS_VIEW = _V0008.QUALIFIED_LEADS_VIEW.replace(
    _REASON, "ARRAY(SELECT c FROM unnest(d.reason_codes) WITH ORDINALITY AS u(c, i)\n"
              f"             WHERE c NOT IN ({_INFO}) ORDER BY i) AS qa_reason").replace(
    _LAST, _LAST.rstrip("\n") + """,
       CASE WHEN 'LOCALITY_FROM_POSTAL_CODE' = ANY(d.reason_codes)
            THEN (SELECT g.result ->> 'locality' FROM leadgate.enrichments g
                  WHERE g.lead_id = COALESCE(l.replay_of, l.lead_id) AND g.provider = 'geocoding'
                    AND g.status = 'ok')
            ELSE l.city END AS locality
""")
assert _REASON in _V0008.QUALIFIED_LEADS_VIEW and _LAST in _V0008.QUALIFIED_LEADS_VIEW


def upgrade() -> None:
    op.execute("DROP VIEW IF EXISTS leadgate.qualified_leads")
    op.execute(QUALIFIED_LEADS_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS leadgate.qualified_leads")
    op.execute(_V0008.QUALIFIED_LEADS_VIEW)
