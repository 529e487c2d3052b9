"""What the `review_queue` asset reports, each one grouped statement: the open backlog with its ages, the items
closed in a window with how many were closed within the SLA, and the merge audit's verdicts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import sqlalchemy as sa


def backlog(conn: sa.Connection, now: datetime) -> pd.DataFrame:
    """Per (kind, source) of the open items: open, in_progress, escalated, ages in hours (p50, p90, max)."""
    return pd.read_sql(sa.text("""
        SELECT kind, COALESCE(source, '-') AS source, count(*) AS open,
               count(*) FILTER (WHERE status = 'in_progress') AS in_progress,
               count(*) FILTER (WHERE escalated_at IS NOT NULL) AS escalated,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM :now - created_at)) / 3600 AS age_p50_h,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM :now - created_at)) / 3600 AS age_p90_h,
               max(extract(epoch FROM :now - created_at)) / 3600 AS age_max_h
        FROM leadgate.review_items WHERE status IN ('open', 'in_progress')
        GROUP BY kind, COALESCE(source, '-') ORDER BY kind, source
    """), conn, params={"now": now})


def ages(conn: sa.Connection, now: datetime) -> dict[str, float | None]:
    """Age percentiles in hours over every open item (p50, p90, p99, max)."""
    row = conn.execute(sa.text("""
        SELECT percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM :now - created_at))
                 AS p, max(extract(epoch FROM :now - created_at)) AS mx
        FROM leadgate.review_items WHERE status IN ('open', 'in_progress')
    """), {"now": now}).one()
    p = row.p or [None, None, None]
    return {name: (round(float(v) / 3600, 2) if v is not None else None)
            for name, v in zip(("age_p50_h", "age_p90_h", "age_p99_h", "age_max_h"), [*p, row.mx], strict=True)}


def closed_within(conn: sa.Connection, *, since: datetime, until: datetime, sla: timedelta) -> pd.DataFrame:
    """Per (kind, source) of the items closed (resolved or expired) in (since, until]: how many, and how many
    within `sla` of their creation."""
    return pd.read_sql(sa.text("""
        SELECT kind, COALESCE(source, '-') AS source, count(*) AS closed,
               count(*) FILTER (WHERE resolved_at - created_at <= :sla) AS within_sla
        FROM leadgate.review_items
        WHERE resolved_at > :since AND resolved_at <= :until
        GROUP BY kind, COALESCE(source, '-') ORDER BY kind, source
    """), conn, params={"since": since, "until": until, "sla": sla})


def audit_verdicts(conn: sa.Connection) -> dict[str, int]:
    """Resolved merge audits by verdict: verify (the automatic merge was right), split / unmerge (wrong)."""
    rows = conn.execute(sa.text("""
        SELECT resolution, count(*) FROM leadgate.review_items
        WHERE kind = 'merge_audit' AND status = 'resolved' GROUP BY resolution""")).all()
    return {str(r[0]): int(r[1]) for r in rows}
