"""Aggregates the checks and reports read: rates per source over recent leads."""

from __future__ import annotations

import sqlalchemy as sa


def rejection_rate_by_source(conn: sa.Connection, *, window: int) -> list[dict[str, object]]:
    """Per source, the share of REJECT among its last `window` disposed leads (by arrival)."""
    rows = conn.execute(sa.text("""
        WITH recent AS (
            SELECT l.source, d.disposition,
                   row_number() OVER (PARTITION BY l.source ORDER BY l.received_at DESC, l.lead_id DESC) AS rn
            FROM leadgate.leads l JOIN leadgate.dispositions d ON d.lead_id = l.lead_id AND d.is_current
            WHERE l.replay_of IS NULL)
        SELECT source, count(*) AS n, count(*) FILTER (WHERE disposition = 'REJECT') AS rejected
        FROM recent WHERE rn <= :w GROUP BY source ORDER BY source
    """), {"w": window}).all()
    return [{"source": r.source, "n": r.n, "rejected": r.rejected, "rate": round(r.rejected / r.n, 4)} for r in rows]
