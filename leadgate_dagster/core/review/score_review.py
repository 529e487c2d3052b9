"""Which decisions a person should look at although nothing holds the lead (scoring spec FAQ: "the system flags
conflicting or low-confidence signals for review"; "review of edge cases: conflicting signals, high-value
accounts"). Reads what the decision recorded in `score_inputs`; never re-scores."""

from __future__ import annotations

from typing import Any

import pandas as pd

from leadgate_dagster.core.ruleset import Ruleset

RULES_PRIORITY = "rules"


def neutral_reach_points(reachability: pd.Series, rules: Ruleset) -> pd.Series:
    """Per decision, the reachability points that were neutral stand-ins (an input unavailable), read from
    each `score_inputs.reachability` document."""
    components = rules.scoring.reachability.components

    def stand_ins(doc: Any) -> int:
        if not isinstance(doc, dict):
            return 0
        total = 0
        for name, spec in components.items():
            value = doc.get(name)
            if value == "not_provided":
                continue
            unknown = value is None or str(value).lower() in spec.unknown
            if unknown and doc.get(f"{name}_points") == spec.neutral:
                total += spec.neutral
        return total

    return reachability.map(stand_ins).astype(int)


def score_review_codes(decisions: pd.DataFrame, rules: Ruleset) -> pd.Series:
    """The review codes of each decision (empty list: no review).

    Args:
        decisions: disposition, score, score_reachability, priority_score, priority_source, intent (bool),
            neutral_fallback (bool: SCORE_NEUTRAL_FALLBACK recorded), reachability (the score_inputs document
            of that part), size_band.
        rules: the active ruleset (`review.score_review`, the qualification threshold).

    Returns:
        Per decision (same index): SCORE_SIGNALS_CONFLICT, SCORE_INTENT_CONFLICT, SCORE_LOW_CONFIDENCE and
        HIGH_VALUE_ACCOUNT as they apply.
    """
    cfg = rules.review.score_review
    d = decisions
    model = d["priority_source"].fillna(RULES_PRIORITY) != RULES_PRIORITY
    gap = (pd.to_numeric(d["priority_score"], errors="coerce") - pd.to_numeric(d["score"], errors="coerce")).abs()
    # the decision qualified only thanks to neutral stand-ins: without them reachability misses the threshold
    neutral = neutral_reach_points(d["reachability"], rules)
    without = d["score_reachability"] - neutral
    masks = {
        "SCORE_SIGNALS_CONFLICT": model & (gap >= cfg.conflict_points),
        "SCORE_INTENT_CONFLICT": d["intent"].astype(bool) & d["disposition"].isin(cfg.intent_conflict_dispositions),
        "SCORE_LOW_CONFIDENCE": d["neutral_fallback"].astype(bool)
        & d["disposition"].isin(cfg.low_confidence_dispositions)
        & (neutral >= cfg.low_confidence_neutral_points) & (without < rules.disposition.qualified_reachability),
        "HIGH_VALUE_ACCOUNT": d["size_band"].isin(cfg.high_value_size_bands)
        & d["disposition"].isin(cfg.high_value_dispositions),
    }
    out = pd.Series([[] for _ in range(len(d))], index=d.index, dtype=object)
    for code, mask in masks.items():
        for i in mask[mask.fillna(False).astype(bool)].index:
            out.at[i] = [*out.at[i], code]
    return out
