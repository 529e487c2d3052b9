"""The reviewers' standing overrides on leads: codes set aside (waive) and priority adjustments. Qualification
reads them for every decision, so a recheck or a re-score never undoes a reviewer's verdict."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

WAIVE = "waive"
ADJUST = "adjust_priority"


def of_leads(conn: sa.Connection, lead_ids: Sequence[str]) -> tuple[dict[str, list[str]], pd.DataFrame]:
    """(codes waived per lead, priority adjustments as lead_id, delta, note, actor oldest first)."""
    rows = conn.execute(sa.text("""
        SELECT lead_id, kind, code, delta, note, actor FROM leadgate.review_overrides
        WHERE lead_id = ANY(:ids) ORDER BY override_id"""), {"ids": list(lead_ids)}).all()
    waived: dict[str, list[str]] = {}
    for r in rows:
        if r.kind == WAIVE and r.code not in waived.get(r.lead_id, []):
            waived.setdefault(r.lead_id, []).append(r.code)
    adjustments = pd.DataFrame([(r.lead_id, r.delta, r.note, r.actor) for r in rows if r.kind == ADJUST],
                               columns=["lead_id", "delta", "note", "actor"])
    return waived, adjustments


def waive(conn: sa.Connection, lead_ids: Sequence[str], codes: Sequence[Sequence[str]], *, actor: str,
          review_ids: Sequence[int | None], note: str | None, now: datetime) -> int:
    """Set codes aside for leads (one list per lead, aligned with `review_ids`); a code already waived for
    the lead is not recorded twice."""
    flat = [(lid, code, rid) for lid, cs, rid in zip(lead_ids, codes, review_ids, strict=True) for code in cs]
    if not flat:
        return 0
    return conn.execute(sa.text("""
        INSERT INTO leadgate.review_overrides (lead_id, kind, code, review_id, actor, note, created_at)
        SELECT DISTINCT q.l, :kind, q.c, q.r, :actor, :note, :now
        FROM unnest(CAST(:l AS text[]), CAST(:c AS text[]), CAST(:r AS bigint[])) q(l, c, r)
        WHERE NOT EXISTS (SELECT 1 FROM leadgate.review_overrides o
                          WHERE o.lead_id = q.l AND o.kind = :kind AND o.code = q.c)"""),
        {"kind": WAIVE, "l": [f[0] for f in flat], "c": [f[1] for f in flat], "r": [f[2] for f in flat],
         "actor": actor, "note": note, "now": now}).rowcount


def adjust(conn: sa.Connection, lead_id: str, delta: int, *, actor: str, review_id: int, note: str,
           now: datetime) -> None:
    """Record a priority adjustment of `delta` points for the lead."""
    conn.execute(sa.text("""
        INSERT INTO leadgate.review_overrides (lead_id, kind, delta, review_id, actor, note, created_at)
        VALUES (:l, :kind, :d, :r, :actor, :note, :now)"""),
        {"l": lead_id, "kind": ADJUST, "d": delta, "r": review_id, "actor": actor, "note": note, "now": now})
