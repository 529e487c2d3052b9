"""Score latency, coverage and disposition mix of a batch, and the mix of the trailing window before it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def batch_timing(conn: sa.Connection, batch_id: str, *, sla_seconds: float) -> dict[str, Any]:
    """Over the batch's intake events: leads, leads with a current disposition, and seconds from intake to the
    lead's first decision (p50, p95, max; later re-decisions are not time-to-score) and how many within the SLA."""
    row = conn.execute(sa.text("""
        WITH e AS (SELECT lead_id, received_at FROM leadgate.intake_events WHERE batch_id = :b),
        f AS (SELECT d.lead_id, min(d.decided_at) AS first_at, bool_or(d.is_current) AS has_current
              FROM leadgate.dispositions d JOIN e ON e.lead_id = d.lead_id GROUP BY d.lead_id),
        t AS (SELECT e.lead_id, f.has_current, extract(epoch FROM f.first_at - e.received_at) AS s
              FROM e LEFT JOIN f ON f.lead_id = e.lead_id)
        SELECT count(*) AS leads, count(*) FILTER (WHERE has_current) AS scored,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY s) AS p50,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY s) AS p95, max(s) AS max_s,
               count(*) FILTER (WHERE s <= :sla) AS within_sla
        FROM t
    """), {"b": batch_id, "sla": sla_seconds}).one()
    return {"leads": int(row.leads), "scored": int(row.scored), "within_sla": int(row.within_sla),
            **{k: None if v is None else round(float(v), 3) for k, v in
               (("p50_s", row.p50), ("p95_s", row.p95), ("max_s", row.max_s))}}


def disposition_mix(conn: sa.Connection, batch_id: str, *, recent_leads: int,
                     window_days: float) -> tuple[dict[str, int], dict[str, int]]:
    """(current dispositions by kind of the `recent_leads` newest leads up to and including the batch, across
    batches; those of the other leads of batches created in the `window_days` before the batch). Replays are left
    out of both (they copy their original's decision). The window is found through `batches` (one row per batch)
    and the indexed batch_id, not by scanning every lead's arrival time."""
    rows = conn.execute(sa.text("""
        WITH cur AS (SELECT created_at FROM leadgate.batches WHERE batch_id = :b),
        w AS (SELECT bs.batch_id, bs.created_at FROM leadgate.batches bs, cur
              WHERE bs.created_at <= cur.created_at
                AND bs.created_at >= cur.created_at - make_interval(secs => :days * 86400)),
        ranked AS (
            SELECT d.disposition,
                   row_number() OVER (ORDER BY w.batch_id = :b DESC, w.created_at DESC, l.received_at DESC,
                                               l.lead_id DESC) AS rn
            FROM w JOIN leadgate.leads l ON l.batch_id = w.batch_id
            JOIN leadgate.dispositions d ON d.lead_id = l.lead_id AND d.is_current
            WHERE l.replay_of IS NULL)
        SELECT rn <= :recent AS recent, disposition, count(*) AS n FROM ranked GROUP BY 1, 2
    """), {"b": batch_id, "days": window_days, "recent": recent_leads}).all()
    recent = {r.disposition: int(r.n) for r in rows if r.recent}
    window = {r.disposition: int(r.n) for r in rows if not r.recent}
    return recent, window
