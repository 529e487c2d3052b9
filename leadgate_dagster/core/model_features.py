"""The conversion model's features, built the same way for training outcomes and for leads being scored.

Fit (who the lead is) and engagement (what they did) only: reachability and consent decide whether we may
contact someone, not whether they will buy, so they stay out of the model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from leadgate_dagster.core.columns import column, flag, list_column
from leadgate_dagster.core.firmographics import category_key, seniority_department, size_band
from leadgate_dagster.core.ruleset import Ruleset

CATEGORICAL = ("seniority", "department", "industry", "size_band")
NUMERIC = ("engagement_score", "intent", "demo")
FEATURES = CATEGORICAL + NUMERIC
MISSING = "missing"


def model_features(frame: pd.DataFrame, *, rules: Ruleset) -> pd.DataFrame:
    """Feature frame (columns FEATURES, same index) for training or scoring.

    Args:
        frame: leads or outcomes: seniority / department or job_title, industry, company_size_band or
            employee_count, engagement_score (0-100; absent = 0), intent (bool) or intent_signals (list),
            demo_requested (form field) and/or demo_event (behaviour).
        rules: the active ruleset (yes-words for flags, size bands).

    Returns:
        Categorical columns as strings (MISSING where unknown) and numeric columns as floats.
    """
    yes = rules.consent.yes_values
    seniority, department = seniority_department(frame)
    out = pd.DataFrame(index=frame.index)
    out["seniority"] = seniority
    out["department"] = department
    out["industry"] = category_key(column(frame, "industry"))
    out["size_band"] = size_band(frame, rules.scoring.fit.size_bands)
    for name in CATEGORICAL:
        out[name] = out[name].where(out[name].notna(), MISSING).astype(str)
    score = pd.to_numeric(column(frame, "engagement_score"), errors="coerce").fillna(0.0)
    out["engagement_score"] = score.clip(0, 100).astype(float)
    signals = list_column(frame, "intent_signals").map(len) > 0
    out["intent"] = (flag(frame, "intent", yes) | signals).astype(float)
    out["demo"] = (flag(frame, "demo_requested", yes) | flag(frame, "demo_event", yes)).astype(float)
    return out[list(FEATURES)]


def labels(outcomes: pd.DataFrame, *, rules: Ruleset) -> np.ndarray:
    """The `converted` column as 0/1 (yes-words, booleans and 1 count as converted)."""
    converted: np.ndarray = flag(outcomes, "converted", rules.consent.yes_values).to_numpy(
        dtype=int)
    return converted
