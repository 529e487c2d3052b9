"""The identity graph's asset checks, as SQL: invariants (blocking) and the auto-merge rate per source."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def integrity(conn: sa.Connection, batch_id: str) -> dict[str, list[str]]:
    """The graph's invariants, as the ids that break them (empty lists mean all hold).

    leads_without_person: leads of the batch with no link; links_to_merged: links naming an absorbed person;
    merged_without_log: absorbed persons with no open merge_log row saying so; cycles: persons whose
    merged_into chain comes back to itself.
    """
    q = {
        "leads_without_person": """SELECT l.lead_id FROM leadgate.leads l LEFT JOIN leadgate.lead_person lp
                                   USING (lead_id) WHERE l.batch_id = :b AND lp.lead_id IS NULL""",
        "links_to_merged": """SELECT lp.lead_id FROM leadgate.lead_person lp JOIN leadgate.leads l USING (lead_id)
                              JOIN leadgate.persons p USING (person_id)
                              WHERE l.batch_id = :b AND p.merged_into IS NOT NULL""",
        "merged_without_log": """SELECT p.person_id FROM leadgate.persons p WHERE p.merged_into IS NOT NULL
                                 AND NOT EXISTS (SELECT 1 FROM leadgate.merge_log m WHERE m.action = 'merge'
                                 AND m.absorbed = p.person_id AND m.survivor = p.merged_into AND m.undone_at IS NULL)""",
        "cycles": """WITH RECURSIVE walk(start, cur, path) AS (
                         SELECT person_id, merged_into, ARRAY[person_id] FROM leadgate.persons
                         WHERE merged_into IS NOT NULL
                         UNION ALL
                         SELECT w.start, p.merged_into, w.path || p.person_id FROM walk w
                         JOIN leadgate.persons p ON p.person_id = w.cur
                         WHERE p.merged_into IS NOT NULL AND NOT p.person_id = ANY(w.path))
                     SELECT DISTINCT start FROM walk WHERE cur = start""",
    }
    return {name: [r[0] for r in conn.execute(sa.text(sql + " LIMIT 100"), {"b": batch_id})] for name, sql in q.items()}


def auto_merge_rates(conn: sa.Connection, batch_id: str, *, recent_leads: int, window: int) -> list[dict[str, Any]]:
    """Per source of the batch: leads and auto-merges among its `recent_leads` newest leads matched up to the
    batch (across batches: n, auto), and among the `window` leads before those (window_n, window_auto)."""
    rows = conn.execute(sa.text("""
        WITH src AS (SELECT DISTINCT source FROM leadgate.leads WHERE batch_id = :b),
        upto AS (SELECT max(lp.matched_at) AS t FROM leadgate.leads l JOIN leadgate.lead_person lp USING (lead_id)
                 WHERE l.batch_id = :b),
        ranked AS (
            SELECT l.source, lp.decision,
                   row_number() OVER (PARTITION BY l.source ORDER BY lp.matched_at DESC, l.lead_id DESC) AS rn
            FROM leadgate.leads l JOIN leadgate.lead_person lp USING (lead_id) CROSS JOIN upto
            WHERE l.source IN (SELECT source FROM src) AND lp.matched_at <= upto.t)
        SELECT source,
               count(*) FILTER (WHERE rn <= :r) AS n,
               count(*) FILTER (WHERE rn <= :r AND decision = 'auto_merge') AS auto,
               count(*) FILTER (WHERE rn > :r) AS window_n,
               count(*) FILTER (WHERE rn > :r AND decision = 'auto_merge') AS window_auto
        FROM ranked WHERE rn <= :r + :w GROUP BY source ORDER BY source
    """), {"b": batch_id, "r": recent_leads, "w": window}).mappings().all()
    return [dict(r) for r in rows]
