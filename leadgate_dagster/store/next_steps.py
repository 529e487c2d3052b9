"""Next steps (a task or a meeting link): one open per routed lead, written with the decision that routes it.

A step stays while the lead's kind of step and owner stay (a re-score that moves a score keeps the task and
its due time; consent changes refresh its channels); a new owner or kind supersedes it with a new one, and a
lead no longer routed to an owner has its open step superseded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.routing.next_steps import STEP_COLUMNS


def write(conn: sa.Connection, steps: pd.DataFrame, scope: Sequence[str], *, now: datetime) -> tuple[int, int]:
    """Make the open steps of the `scope` leads agree with `steps` (STEP_COLUMNS, one row per routed lead with
    an owner); the creating decision is each lead's current disposition. Returns (created, superseded)."""
    if not scope:
        return 0, 0
    params = {c: [None if pd.isna(v) else v for v in steps[c]] for c in STEP_COLUMNS if c != "channels"}
    params["channels"] = ["{" + ",".join(c) + "}" for c in steps["channels"]]  # text[] per row, as a literal
    superseded = conn.execute(sa.text("""
        UPDATE leadgate.next_steps s SET status = 'superseded', superseded_at = :now
        WHERE s.status = 'open' AND s.lead_id = ANY(:scope)
          AND NOT EXISTS (SELECT 1 FROM unnest(CAST(:lead_id AS text[]), CAST(:kind AS text[]),
                                               CAST(:owner_email AS text[])) q(l, k, o)
                          WHERE q.l = s.lead_id AND q.k = s.kind AND q.o = s.owner_email)
    """), {**params, "scope": list(scope), "now": now}).rowcount
    created = conn.execute(sa.text("""
        INSERT INTO leadgate.next_steps AS s (lead_id, disposition_id, kind, owner_email, due_at, channels, sequence,
                                              meeting_url, created_at)
        SELECT q.l, d.disposition_id, q.k, q.o, q.due, CAST(q.ch AS text[]), q.seq, q.url, :now
        FROM unnest(CAST(:lead_id AS text[]), CAST(:kind AS text[]), CAST(:owner_email AS text[]),
                    CAST(:due_at AS timestamptz[]), CAST(:channels AS text[]), CAST(:sequence AS text[]),
                    CAST(:meeting_url AS text[])) q(l, k, o, due, ch, seq, url)
        JOIN leadgate.dispositions d ON d.lead_id = q.l AND d.is_current
        ON CONFLICT (lead_id) WHERE status = 'open' DO UPDATE SET channels = EXCLUDED.channels
          WHERE s.channels IS DISTINCT FROM EXCLUDED.channels
        RETURNING (xmax = 0) AS inserted
    """), {**params, "now": now}).scalars().all()
    return sum(1 for f in created if f), superseded


def open_steps(conn: sa.Connection, lead_ids: Sequence[str]) -> pd.DataFrame:
    """The open step of each of these leads (all columns)."""
    return pd.read_sql(sa.text("SELECT * FROM leadgate.next_steps WHERE status = 'open' AND lead_id = ANY(:ids) "
                               "ORDER BY lead_id"), conn, params={"ids": list(lead_ids)})
