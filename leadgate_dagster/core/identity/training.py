"""Estimate the match model offline from labelled candidate pairs.

A logistic regression on one indicator per (field, level), fitted to the candidate pairs that blocking
produces on a labelled training set, so the model learns from exactly the kind of pairs it later
scores. Its coefficients are the level weights (converted to bits), which keeps Fellegi-Sunter's additive,
explainable form while being calibrated (log loss) and robust to correlated fields: unsupervised EM over
these pairs converges on "works at the same company" rather than "is the same person", because
company, domain and office agree together for colleagues.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from leadgate_dagster.core.identity.candidates import compare_batch
from leadgate_dagster.core.identity.comparisons import COMPARISONS
from leadgate_dagster.core.identity.model import FieldModel, MatchModel
from leadgate_dagster.core.identity.settings import IdentitySettings

_WEIGHTLESS = frozenset({"null", "shared"})
_COLUMNS = [
    (f, i) for f, levels in COMPARISONS.items() for i, lv in enumerate(levels) if lv not in _WEIGHTLESS
]


def design_matrix(levels: pd.DataFrame) -> np.ndarray:
    """One 0/1 column per weighted (field, level); missing and shared levels are the zero baseline."""
    return np.column_stack([(levels[f].to_numpy() == i) for f, i in _COLUMNS]).astype(np.float64)


def fit_weights(
    levels: pd.DataFrame, same_person: np.ndarray, *, regularization: float = 1.0
) -> tuple[float, dict[str, tuple[float, ...]], float]:
    """Fit the level weights by L2-regularized logistic regression.

    Args:
        levels: comparison levels of labelled candidate pairs.
        same_person: True where a pair is one person.
        regularization: sklearn's C (inverse strength); keeps rare levels from extreme weights.

    Returns:
        (intercept in bits, weights in bits per field and level, mean log loss on the training pairs).
    """
    x = design_matrix(levels)
    fit = LogisticRegression(C=regularization, max_iter=2000).fit(x, same_person.astype(int))
    bits = fit.coef_[0] / np.log(2)
    weights = {f: [0.0] * len(levels_) for f, levels_ in COMPARISONS.items()}
    for (f, i), w in zip(_COLUMNS, bits, strict=False):
        weights[f][i] = round(float(w), 4)
    p = np.clip(fit.predict_proba(x)[:, 1], 1e-12, 1 - 1e-12)
    loss = float(-np.mean(np.where(same_person, np.log(p), np.log(1 - p))))
    return round(float(fit.intercept_[0] / np.log(2)), 4), {f: tuple(w) for f, w in weights.items()}, loss


def train_model(
    batches: Sequence[tuple[pd.DataFrame, pd.Series]],
    settings: IdentitySettings,
    *,
    version: str,
    provenance: Mapping[str, Any] | None = None,
) -> MatchModel:
    """Estimate a model from labelled training leads.

    Args:
        batches: (leads, labels) per training set; leads in the resolve_identities layout (index = record
            id), labels the true person of each lead (same index). Each set is blocked on its own, as a
            batch would be.
        settings: the identity settings blocking and comparisons run with.
        version: the artifact version to stamp.
        provenance: facts to keep in the artifact (data set, seed).

    Returns:
        The fitted model; save it with `json.dumps(model.to_dict())`.
    """
    levels, labels, records = [], [], 0
    for leads, truth_of in batches:
        compared = compare_batch(leads, settings=settings)
        truth = truth_of.reindex(leads.index).to_numpy(dtype=object)
        levels.append(compared.comparisons.levels)
        labels.append(truth[compared.pairs[:, 0]] == truth[compared.pairs[:, 1]])
        records += len(leads)
    same = np.concatenate(labels)
    intercept, weights, loss = fit_weights(pd.concat(levels, ignore_index=True), same)
    fields = tuple(FieldModel(name=f, levels=lv, weights=weights[f]) for f, lv in COMPARISONS.items())
    facts = {
        "method": "logistic regression on labelled candidate pairs (L2, C=1)",
        "training_records": records,
        "training_pairs": len(same),
        "training_match_share": round(float(same.mean()), 4),
        "training_log_loss": round(loss, 5),
    }
    return MatchModel(
        version=version, intercept_bits=intercept, fields=fields, provenance={**facts, **(provenance or {})}
    )
