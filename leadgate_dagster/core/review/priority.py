"""An item's priority: who looks at what first. A weighted sum of signals each in 0..1 (the ruleset's
`review.priority`), recomputed as items age, so an item nobody picked climbs the queue."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from leadgate_dagster.core.ruleset import Ruleset

COLUMNS = ("source", "score", "intent", "probability", "created_at", "escalated")


def priorities(items: pd.DataFrame, rules: Ruleset, now: datetime) -> np.ndarray:
    """Priority per item, rounded to 0.01.

    Args:
        items: COLUMNS: the lead's source, its score (0-100, NaN when undecided), intent (bool), a pair's match
            probability (NaN for other kinds), created_at (UTC), escalated (bool).
        rules: the active ruleset (`review.priority`, `review.sla_hours`).
        now: the time ages are measured at.
    """
    cfg = rules.review.priority
    w = cfg.weights
    source = items["source"].map(cfg.source_value).astype(float).fillna(cfg.default_source_value)
    score = (pd.to_numeric(items["score"], errors="coerce").clip(0, 100) / 100).fillna(0.0)
    intent = items["intent"].eq(True).astype(float)  # unknown intent counts as none
    match = pd.to_numeric(items["probability"], errors="coerce").clip(0, 1).fillna(0.0)
    age_h = (pd.Timestamp(now) - pd.to_datetime(items["created_at"], utc=True)).dt.total_seconds() / 3600
    age = (age_h.clip(lower=0) / rules.review.sla_hours).clip(upper=cfg.age_cap_slas) / cfg.age_cap_slas
    bump = items["escalated"].eq(True).astype(float) * cfg.escalation_bump
    total = (w.source * source + w.score * score + w.intent * intent + w.match * match + w.age * age.fillna(0.0)
             + bump)
    return np.round(total.to_numpy(dtype=float), 2)
