"""The queue job's set-based sweeps over open items: escalation and its alerts, the fallback's claim, expiry,
the priority recompute and the held leads due for a recheck.

Every statement takes the time as a bound `:now` (a test runs the clock forward) and changes an item only
through a guard on its state (`status`, `escalated_at IS NULL`, `fallback_taken_at IS NULL`), so a second run,
or one running at the same time, finds nothing left to do: row locks make the later one re-check the guard.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa

ESCALATED = "review_escalated"
# one sweep at a time: a concurrent run waits, then finds the work done
QUEUE_LOCK = 7_215_011
_OPEN = "status IN ('open', 'in_progress')"


def lock_queue(conn: sa.Connection) -> None:
    """Hold the queue job's advisory lock for this connection's session (released by `unlock_queue`)."""
    conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": QUEUE_LOCK})


def unlock_queue(conn: sa.Connection) -> None:
    conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": QUEUE_LOCK})


def escalate_due(conn: sa.Connection, now: datetime) -> int:
    """Mark every open item past its SLA escalated (once) and log it; returns how many."""
    return conn.execute(sa.text(f"""
        WITH due AS (
          UPDATE leadgate.review_items SET escalated_at = :now, version = version + 1, updated_at = :now
          WHERE {_OPEN} AND escalated_at IS NULL AND due_at <= :now
          RETURNING review_id, lead_id, due_at
        )
        INSERT INTO leadgate.review_decisions (review_id, lead_id, action, actor, before, after, decided_at)
        SELECT review_id, lead_id, 'escalate', 'escalation', jsonb_build_object('due_at', due_at),
               jsonb_build_object('escalated_at', CAST(:now AS timestamptz)), :now FROM due
    """), {"now": now}).rowcount


def sync_escalation_alerts(conn: sa.Connection, now: datetime) -> tuple[int, int]:
    """One open `review_escalated` alert per (kind, source) with escalated items still open, its counts kept
    current; resolved once none is left. Returns (alerts open after the run, alerts resolved)."""
    subject = "r.kind || '/' || COALESCE(r.source, '-')"
    conn.execute(sa.text(f"""
        INSERT INTO leadgate.alerts AS a (kind, subject, severity, message, details, created_at)
        SELECT :kind, {subject}, 'warn',
               count(*) || ' ' || r.kind || ' review item(s) from ' || COALESCE(r.source, 'no source')
                 || ' open past the SLA',
               jsonb_build_object('kind', r.kind, 'source', r.source, 'items', count(*),
                                  'oldest_created_at', min(r.created_at)), :now
        FROM leadgate.review_items r WHERE r.{_OPEN} AND r.escalated_at IS NOT NULL
        GROUP BY r.kind, r.source
        ON CONFLICT (kind, subject) WHERE resolved_at IS NULL
          DO UPDATE SET message = EXCLUDED.message, details = EXCLUDED.details
          WHERE a.details IS DISTINCT FROM EXCLUDED.details
    """), {"kind": ESCALATED, "now": now})
    resolved = conn.execute(sa.text(f"""
        UPDATE leadgate.alerts a SET resolved_at = :now
        WHERE a.kind = :kind AND a.resolved_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM leadgate.review_items r WHERE r.{_OPEN} AND r.escalated_at IS NOT NULL
                          AND {subject} = a.subject)
    """), {"kind": ESCALATED, "now": now}).rowcount
    open_count = conn.execute(sa.text("SELECT count(*) FROM leadgate.alerts WHERE kind = :k AND resolved_at IS NULL"),
                              {"k": ESCALATED}).scalar_one()
    return int(open_count), resolved


def fallback_candidates(conn: sa.Connection, now: datetime, kinds: Sequence[str]) -> pd.DataFrame:
    """Open items of `kinds` whose fallback is due, plus held leads' items that may be hopeless (no channel
    left: the core decides), none of them fallen back yet. Columns: review_id, kind, lead_id, reason_codes,
    allowed_channels, due (fallback time passed)."""
    return pd.read_sql(sa.text(f"""
        SELECT r.review_id, r.kind, r.lead_id, r.reason_codes, COALESCE(d.allowed_channels, '{{}}') AS
               allowed_channels, r.fallback_at <= :now AS due
        FROM leadgate.review_items r
        LEFT JOIN leadgate.dispositions d ON d.lead_id = r.lead_id AND d.is_current
        WHERE r.{_OPEN} AND r.fallback_taken_at IS NULL AND r.kind = ANY(:kinds)
          AND (r.fallback_at <= :now OR (r.kind = 'quarantine' AND cardinality(d.allowed_channels) = 0))
        ORDER BY r.review_id
    """), conn, params={"now": now, "kinds": list(kinds)})


def claim_fallback(conn: sa.Connection, review_ids: Sequence[int], now: datetime) -> list[int]:
    """Mark these items' fallback taken; returns the ids this call claimed (an item another run claimed or a
    person closed meanwhile is left out)."""
    return [r[0] for r in conn.execute(sa.text(f"""
        UPDATE leadgate.review_items SET fallback_taken_at = :now, version = version + 1, updated_at = :now
        WHERE review_id = ANY(:ids) AND {_OPEN} AND fallback_taken_at IS NULL RETURNING review_id
    """), {"ids": list(review_ids), "now": now})]


def close(conn: sa.Connection, review_ids: Sequence[int], *, status: str, resolution: str, resolved_by: str,
          now: datetime) -> list[sa.Row[Any]]:
    """Close open items (resolved or expired) in one statement; returns (review_id, kind, lead_id, merge_id,
    assignee) of those closed."""
    return list(conn.execute(sa.text(f"""
        UPDATE leadgate.review_items SET status = :status, resolution = :resolution, resolved_by = :by,
               resolved_at = :now, version = version + 1, updated_at = :now
        WHERE review_id = ANY(:ids) AND {_OPEN}
        RETURNING review_id, kind, lead_id, merge_id, assignee
    """), {"ids": list(review_ids), "status": status, "resolution": resolution, "by": resolved_by,
           "now": now}).all())


def log_many(conn: sa.Connection, rows: Sequence[tuple[int, str]], *, action: str, actor: str,
             after: str, now: datetime) -> int:
    """One decision-log row per (review_id, lead_id): a job's `action`, with `after` as the outcome."""
    if not rows:
        return 0
    return conn.execute(sa.text("""
        INSERT INTO leadgate.review_decisions (review_id, lead_id, action, actor, before, after, decided_at)
        SELECT q.r, q.l, :action, :actor, jsonb_build_object('status', 'open'),
               jsonb_build_object('outcome', CAST(:after AS text)), :now
        FROM unnest(CAST(:r AS bigint[]), CAST(:l AS text[])) q(r, l)
    """), {"r": [r[0] for r in rows], "l": [r[1] for r in rows], "action": action, "actor": actor,
           "after": after, "now": now}).rowcount


def expire_due(conn: sa.Connection, now: datetime) -> list[sa.Row[Any]]:
    """Expire every open item past its TTL; returns (review_id, kind, lead_id, merge_id, assignee)."""
    ids = [r[0] for r in conn.execute(sa.text(f"""
        SELECT review_id FROM leadgate.review_items WHERE {_OPEN} AND expires_at <= :now
        ORDER BY review_id FOR UPDATE SKIP LOCKED"""), {"now": now})]
    return close(conn, ids, status="expired", resolution="expired", resolved_by="expiry", now=now)


def priority_inputs(conn: sa.Connection) -> pd.DataFrame:
    """Every open item with what its priority reads (core.review.priority.COLUMNS) and its current one."""
    return pd.read_sql(sa.text(f"""
        SELECT r.review_id, r.source, d.score, r.probability, r.created_at, r.escalated_at IS NOT NULL AS escalated,
               COALESCE(jsonb_array_length(d.score_inputs -> 'engagement' -> 'intent_signals') > 0, false) AS intent,
               r.priority AS current
        FROM leadgate.review_items r
        LEFT JOIN leadgate.dispositions d ON d.lead_id = r.lead_id AND d.is_current
        WHERE r.{_OPEN}
    """), conn)


def write_priorities(conn: sa.Connection, review_ids: Sequence[int], priorities: Sequence[float]) -> int:
    """Set these items' priorities (no version bump: a recomputed priority is not a change a person made)."""
    if not review_ids:
        return 0
    return conn.execute(sa.text(f"""
        UPDATE leadgate.review_items r SET priority = q.p
        FROM unnest(CAST(:ids AS bigint[]), CAST(:p AS double precision[])) q(id, p)
        WHERE r.review_id = q.id AND r.{_OPEN}
    """), {"ids": [int(i) for i in review_ids], "p": [float(p) for p in priorities]}).rowcount


def claim_recheck(conn: sa.Connection, *, codes: Sequence[str], interval: timedelta, now: datetime,
                  limit: int) -> list[sa.Row[Any]]:
    """Take the held leads with a code that can change and no recheck within `interval` (the longest-waiting
    first), stamping `rechecked_at`; returns (review_id, lead_id). SKIP LOCKED and the stamp keep two runs
    off the same leads."""
    return list(conn.execute(sa.text("""
        WITH due AS (
          SELECT r.review_id FROM leadgate.review_items r
          JOIN leadgate.dispositions d ON d.lead_id = r.lead_id AND d.is_current
          WHERE r.kind = 'quarantine' AND r.status IN ('open', 'in_progress')
            AND d.reason_codes && CAST(:codes AS text[])
            AND COALESCE(r.rechecked_at, r.created_at) <= :cutoff
          ORDER BY COALESCE(r.rechecked_at, r.created_at), r.review_id LIMIT :n
          FOR UPDATE OF r SKIP LOCKED
        )
        UPDATE leadgate.review_items r SET rechecked_at = :now FROM due WHERE r.review_id = due.review_id
        RETURNING r.review_id, r.lead_id
    """), {"codes": list(codes), "cutoff": now - interval, "n": limit, "now": now}).all())


def recheck_due_count(conn: sa.Connection, *, codes: Sequence[str], interval: timedelta, now: datetime) -> int:
    """How many held leads a recheck run would take now (the schedule asks before requesting a run)."""
    return int(conn.execute(sa.text("""
        SELECT count(*) FROM leadgate.review_items r
        JOIN leadgate.dispositions d ON d.lead_id = r.lead_id AND d.is_current
        WHERE r.kind = 'quarantine' AND r.status IN ('open', 'in_progress')
          AND d.reason_codes && CAST(:codes AS text[]) AND COALESCE(r.rechecked_at, r.created_at) <= :cutoff
    """), {"codes": list(codes), "cutoff": now - interval}).scalar_one())
