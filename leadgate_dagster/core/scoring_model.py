"""A calibrated conversion model on fit + engagement features, with the rules score as its fallback.

The model is trusted only when it was trained on enough outcomes (ruleset `scoring.model`: the CRM anchors
ask for >= 1,000 leads and >= 120 conversions) and its probabilities are calibrated on held-out folds.
Otherwise, and whenever no artifact is given, the priority is the rules score, an explicit weighted sum of
the pre-score and the engagement score. Either way each lead records which one produced its priority.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd

from leadgate_dagster.core.columns import as_utc, column
from leadgate_dagster.core.model_artifact import (
    ModelArtifact,
    ModelManifest,
    ModelStatus,
    calibration_table,
    estimator_bytes,
)
from leadgate_dagster.core.model_features import CATEGORICAL, FEATURES, NUMERIC, labels, model_features
from leadgate_dagster.core.rules.scoring import ModelRules
from leadgate_dagster.core.ruleset import Ruleset

RULES = "rules"
OUTPUT_COLUMNS = ("priority_score", "priority_source", "priority_reason", "conversion_probability",
                  "model_version")


def _estimator(cfg: ModelRules) -> Any:
    """The uncalibrated pipeline: one-hot categorical + scaled numeric features into the classifier."""
    # scikit-learn takes seconds to import; only training and model scoring pay for it, not every batch
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    algorithm = cfg.algorithm
    encode = ColumnTransformer([
        ("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False), list(CATEGORICAL)),
        ("numeric", StandardScaler(), list(NUMERIC)),
    ])
    if algorithm == "logistic_regression":
        clf: Any = LogisticRegression(max_iter=2000, C=1.0)
    elif algorithm == "gradient_boosting":
        clf = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                             random_state=cfg.seed)
    else:
        raise ValueError(f"scoring.model.algorithm: unknown {algorithm!r}")
    return Pipeline([("encode", encode), ("classify", clf)])


def _version(created_at: pd.Timestamp, digest: str) -> str:
    return f"conv-{created_at:%Y%m%dT%H%M%SZ}-{digest[:8]}"


def train_model(outcomes: pd.DataFrame, rules: Ruleset, *, created_at: Any = None) -> ModelArtifact:
    """Train, calibrate and evaluate a conversion model on outcomes.

    Args:
        outcomes: one row per past lead: the feature inputs of `model_features` and `converted`.
        rules: the active ruleset (`scoring.model`: thresholds, algorithm, calibration, split, seed).
        created_at: the artifact's timestamp (None: now); fixes the version string in tests.

    Returns:
        A TRAINED artifact fitted on all outcomes, with the AUC, Brier score and reliability table of the
        same procedure fitted without a stratified held-out split; or, below the data thresholds, an
        INSUFFICIENT_DATA artifact without an estimator.
    """
    import sklearn
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.metrics import brier_score_loss, roc_auc_score
    from sklearn.model_selection import train_test_split

    cfg = rules.scoring.model
    when = as_utc(created_at)
    x, y = model_features(outcomes, rules=rules), labels(outcomes, rules=rules)
    n, positives = len(y), int(y.sum())
    folds = cfg.cv_folds
    base: dict[str, Any] = {
        "created_at": when.isoformat(), "ruleset_version": rules.version, "ruleset_hash": rules.content_hash,
        "algorithm": cfg.algorithm, "calibration": cfg.calibration, "features": FEATURES,
        "training_rows": n, "training_positives": positives, "min_leads": cfg.min_leads,
        "min_conversions": cfg.min_conversions, "seed": cfg.seed,
        "sklearn_version": sklearn.__version__}
    enough = (n >= cfg.min_leads and positives >= cfg.min_conversions
              and min(positives, n - positives) >= 2 * folds)  # both classes in every fold of both splits
    if not enough:
        digest = hashlib.sha256(f"{n}:{positives}:{rules.content_hash}".encode()).hexdigest()
        manifest = ModelManifest(version=_version(when, digest), status=ModelStatus.INSUFFICIENT_DATA, **base)
        return ModelArtifact(manifest=manifest, model_bytes=None)
    # evaluate the procedure on a held-out split, then fit the shipped model on every outcome, so the
    # artifact is trained on what the thresholds counted and its metrics are honest out-of-sample figures
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=cfg.holdout_fraction,
                                                        stratify=y, random_state=cfg.seed)
    holdout_model = CalibratedClassifierCV(_estimator(cfg), method=cfg.calibration, cv=folds)
    p = holdout_model.fit(x_train, y_train).predict_proba(x_test)[:, 1]
    model = CalibratedClassifierCV(_estimator(cfg), method=cfg.calibration, cv=folds).fit(x, y)
    data = estimator_bytes(model)
    digest = hashlib.sha256(data).hexdigest()
    manifest = ModelManifest(
        version=_version(when, digest), status=ModelStatus.TRAINED, model_sha256=digest,
        holdout_rows=len(y_test), holdout_positives=int(y_test.sum()),
        auc=round(float(roc_auc_score(y_test, p)), 4), brier=round(float(brier_score_loss(y_test, p)), 4),
        base_rate=round(float(y.mean()), 4),
        calibration_table=calibration_table(y_test, p, cfg.calibration_bins), **base)
    return ModelArtifact(manifest=manifest, model_bytes=data)


def model_fallback_reason(artifact: ModelArtifact | None, rules: Ruleset) -> str | None:
    """Why the rules score stands in for the model (a reason code), or None when the model may be used.

    The thresholds are re-checked against the *current* ruleset: raising them retires an older model.
    """
    if artifact is None:
        return "MODEL_NOT_TRAINED"
    m, cfg = artifact.manifest, rules.scoring.model
    if (m.status is not ModelStatus.TRAINED or artifact.model_bytes is None
            or m.training_rows < cfg.min_leads or m.training_positives < cfg.min_conversions):
        return "MODEL_INSUFFICIENT_DATA"
    if tuple(m.features) != FEATURES:
        return "MODEL_INCOMPATIBLE"
    return None


def rules_priority(score: pd.Series, engagement_score: pd.Series, rules: Ruleset) -> pd.Series:
    """The rules priority: round(pre_score_weight * score + engagement_weight * engagement), in 0-100."""
    w = rules.scoring.priority
    value = w.pre_score_weight * score.astype(float) + w.engagement_weight * engagement_score
    return value.round().clip(0, 100).astype(int)


def score_with_model(leads: pd.DataFrame, artifact: ModelArtifact | None, rules: Ruleset) -> pd.DataFrame:
    """Priority per lead: the calibrated model's probability x 100 when usable, else the rules priority.

    Args:
        leads: the feature inputs of `model_features`, plus `score` (the pre-score) and `engagement_score`
            for the rules path (absent: 0).
        artifact: a trained artifact, or None.
        rules: the active ruleset.

    Returns:
        OUTPUT_COLUMNS with the leads' index: priority_score (0-100 int), priority_source (model version
        or "rules"), priority_reason (the fallback's reason code or None), conversion_probability (float,
        NaN on the rules path) and model_version (the same as priority_source).
    """
    reason = model_fallback_reason(artifact, rules)
    out = pd.DataFrame(index=leads.index)
    if reason is None and artifact is not None and len(leads):
        p = artifact.estimator().predict_proba(model_features(leads, rules=rules))[:, 1]
        out["priority_score"] = np.clip(np.rint(p * 100), 0, 100).astype(int)
        out["priority_source"] = artifact.version
        out["conversion_probability"] = np.round(p, 4)
    else:
        score = pd.to_numeric(column(leads, "score"), errors="coerce").fillna(0)
        engaged = pd.to_numeric(column(leads, "engagement_score"), errors="coerce").fillna(0)
        out["priority_score"] = rules_priority(score, engaged, rules)
        out["priority_source"] = RULES
        out["conversion_probability"] = np.nan
    out["priority_reason"] = reason
    out["model_version"] = out["priority_source"]
    return out[list(OUTPUT_COLUMNS)]
