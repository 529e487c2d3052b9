"""A reviewer's standing overrides on a lead, applied by every later decision: codes set aside (`waived`, read
by `decide`) and priority adjustments, shown in the decision's score breakdown."""

from __future__ import annotations

import numpy as np
import pandas as pd


def adjust_priorities(decided: pd.DataFrame, adjustments: pd.DataFrame) -> pd.DataFrame:
    """Add each lead's adjustments to its priority (kept within 0-100) and record them in `score_inputs`
    under priority.adjustment: the total, the priority before it, and each adjustment's points, reason and
    author. A decision that already carries adjustments is adjusted from its unadjusted priority, so
    applying the full list again never counts one twice.

    Args:
        decided: decisions indexed by lead id (priority_score, score_inputs).
        adjustments: lead_id, delta, note, actor; one row per adjustment, oldest first.
    """
    mine = adjustments[adjustments["lead_id"].isin(decided.index)]
    if mine.empty:
        return decided
    out = decided.copy()
    totals = mine.groupby("lead_id", sort=False)["delta"].sum()
    before = pd.Series([_unadjusted(out.at[lid, "priority_score"], out.at[lid, "score_inputs"])
                        for lid in totals.index], index=totals.index)
    out.loc[totals.index, "priority_score"] = np.clip(before + totals, 0, 100).astype(int)
    listed = {lid: [{"points": int(r.delta), "reason": r.note, "by": r.actor} for r in rows.itertuples()]
              for lid, rows in mine.groupby("lead_id", sort=False)}
    out["score_inputs"] = [
        _with_adjustment(doc, int(totals[lid]), int(before[lid]), listed[lid]) if lid in listed else doc
        for lid, doc in zip(out.index, out["score_inputs"], strict=True)]
    return out


def _unadjusted(priority: object, doc: object) -> int:
    adjustment = doc.get("priority", {}).get("adjustment") if isinstance(doc, dict) else None
    return int(adjustment["before"]) if adjustment else int(priority)  # type: ignore[call-overload]


def _with_adjustment(doc: dict, total: int, before: int, items: list[dict]) -> dict:
    priority = {**doc.get("priority", {}), "adjustment": {"points": total, "before": before, "items": items}}
    return {**doc, "priority": priority}
