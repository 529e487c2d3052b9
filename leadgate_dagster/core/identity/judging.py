"""Compare, score and tier candidate pairs chunk by chunk, keeping only the pairs that reach a tier.

Blocking proposes about fifteen pairs per record and nine in ten reach no tier; holding the comparisons,
contributions and explanations of every pair of a million-record file at once would take tens of GB. Each
pair is judged from its two records alone (comparisons, the fixed model, the tier rules), so judging in
chunks and concatenating in pair order gives exactly the result of judging all pairs at once, whatever
the chunk size or the number of worker processes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from leadgate_dagster.core.identity.comparisons import Comparisons, add_name_conflicts, compare_coded
from leadgate_dagster.core.identity.key_codes import KeyTable
from leadgate_dagster.core.identity.model import MatchModel, Scores
from leadgate_dagster.core.identity.settings import IdentitySettings
from leadgate_dagster.core.identity.tiers import assign_tiers, explain
from leadgate_dagster.core.identity.workers import fork_map

CHUNK_PAIRS = 250_000
"""Pairs judged at once: ~100 MB of intermediates per chunk, and enough pairs to amortize the per-chunk
work on distinct values."""


@dataclass(frozen=True)
class JudgedPairs:
    """The pairs that reached a tier, in the order of the candidate pairs: pairs (k, 2) positions as given;
    tier ('A' | 'B' | 'C'), decision ('auto_merge' | 'review' | 'no_match'), probability, explanation;
    contributions: bits per compared field (RangeIndex, aligned with the rows); trusted: edges whose names
    conflict but whose date of birth and street agree (tiers.assign_tiers)."""

    pairs: np.ndarray
    tier: np.ndarray
    decision: np.ndarray
    probability: np.ndarray
    explanation: np.ndarray
    contributions: pd.DataFrame
    trusted: np.ndarray


def judge_pairs(
    table: KeyTable,
    pairs: np.ndarray,
    *,
    model: MatchModel,
    settings: IdentitySettings,
    chunk_pairs: int | None = None,
    workers: int = 1,
) -> JudgedPairs:
    """Judge candidate pairs in chunks and keep the tiered ones.

    Args:
        table: the coded keys of the batch (key_codes.code_keys).
        pairs: (m, 2) candidate positions, the lower record id first.
        model: the match model.
        settings: identity thresholds.
        chunk_pairs: pairs per chunk (CHUNK_PAIRS when None).
        workers: processes judging chunks side by side (workers.fork_map); 1 judges in this process.

    Returns:
        The tiered pairs with their decisions, in candidate order.
    """
    step = chunk_pairs or CHUNK_PAIRS
    bounds = [(start, min(start + step, len(pairs))) for start in range(0, len(pairs), step)]
    state = {"table": table, "pairs": pairs, "model": model, "settings": settings}
    parts = fork_map(_judge_range, bounds, state=state, workers=workers)
    if not parts:
        parts = [_judge(table, pairs[:0], model, settings)]
    return JudgedPairs(
        pairs=np.concatenate([p.pairs for p in parts]),
        tier=np.concatenate([p.tier for p in parts]),
        decision=np.concatenate([p.decision for p in parts]),
        probability=np.concatenate([p.probability for p in parts]),
        explanation=np.concatenate([p.explanation for p in parts]),
        contributions=pd.concat([p.contributions for p in parts], ignore_index=True),
        trusted=np.concatenate([p.trusted for p in parts]),
    )


def _judge(table: KeyTable, pairs: np.ndarray, model: MatchModel, settings: IdentitySettings) -> JudgedPairs:
    comparisons = compare_coded(table, pairs, settings)
    scores = model.score(comparisons.levels, comparisons.facts)
    add_name_conflicts(comparisons, table, pairs, scores.probability >= settings.review_floor, settings)
    judged = assign_tiers(comparisons, scores, settings)
    keep = judged["tier"].notna().to_numpy()
    kept = Comparisons(
        levels=comparisons.levels[keep].reset_index(drop=True),
        facts=comparisons.facts[keep].reset_index(drop=True),
    )
    contributions = scores.contributions[keep].reset_index(drop=True)
    kept_scores = Scores(scores.probability[keep], contributions, scores.intercept_bits)
    return JudgedPairs(
        pairs=pairs[keep],
        tier=judged["tier"].to_numpy()[keep],
        decision=judged["decision"].to_numpy()[keep],
        probability=scores.probability[keep],
        explanation=explain(kept, kept_scores, model),
        contributions=contributions,
        trusted=judged["trusted"].to_numpy()[keep],
    )


def _judge_range(state: Mapping[str, Any], bounds: tuple[int, int]) -> JudgedPairs:
    start, stop = bounds
    return _judge(state["table"], state["pairs"][start:stop], state["model"], state["settings"])
