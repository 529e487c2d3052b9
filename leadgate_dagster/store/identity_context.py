"""What the disposition needs to know from the identity graph, per lead."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa


def identity_context(conn: sa.Connection, lead_ids: Sequence[str]) -> pd.DataFrame:
    """Per lead: the earlier lead it duplicates and that lead's current disposition, the link's tier, and the
    tier of an open merge_candidate review item (a pending match), indexed by lead_id."""
    df = pd.read_sql(sa.text("""
        SELECT q.lead_id, lp.person_id, lp.duplicate_of, lp.tier AS duplicate_tier,
               d.disposition AS duplicate_of_disposition,
               (SELECT r.tier FROM leadgate.review_items r
                WHERE r.lead_id = q.lead_id AND r.kind = 'merge_candidate' AND r.status IN ('open', 'in_progress')
                ORDER BY r.tier LIMIT 1) AS pending_match
        FROM unnest(CAST(:ids AS text[])) AS q(lead_id)
        LEFT JOIN leadgate.lead_person lp ON lp.lead_id = q.lead_id
        LEFT JOIN leadgate.dispositions d ON d.lead_id = lp.duplicate_of AND d.is_current
    """), conn, params={"ids": list(lead_ids)})
    return df.set_index("lead_id")
