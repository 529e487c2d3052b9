"""Train the conversion model on outcomes (the `outcomes` table or a file), keep every attempt, and activate
only a model that was trained on enough data."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.model_artifact import ModelArtifact, ModelStatus
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.scoring_model import train_model
from leadgate_dagster.store import outcomes, score_models


@dataclass(frozen=True, slots=True)
class TrainingResult:
    artifact: ModelArtifact
    activated: bool
    outcomes_stored: int | None = None  # when trained from the table: outcomes in it, and with a known lead
    outcomes_usable: int | None = None


def train_and_store(engine: sa.Engine, frame: pd.DataFrame, rules: Ruleset, *, activate: bool) -> TrainingResult:
    """Train on `frame` (model inputs + `converted`), store the artifact, and activate it when asked and
    TRAINED (an INSUFFICIENT_DATA attempt is stored too: it explains the rules fallback)."""
    artifact = train_model(frame, rules)
    trained = artifact.manifest.status is ModelStatus.TRAINED
    with engine.begin() as conn:
        score_models.save(conn, artifact)
        if activate and trained:
            score_models.activate(conn, artifact.version)
    return TrainingResult(artifact, activated=activate and trained)


def train_from_table(engine: sa.Engine, rules: Ruleset, *, activate: bool) -> TrainingResult:
    """Train on the `outcomes` table joined with what leadgate knew of each lead (outcomes of unknown leads
    have no features and are left out)."""
    with engine.connect() as conn:
        stored, usable = outcomes.counts(conn)
        frame = outcomes.training_frame(conn)
    result = train_and_store(engine, frame, rules, activate=activate)
    return TrainingResult(result.artifact, result.activated, outcomes_stored=stored, outcomes_usable=usable)


def describe(artifact: ModelArtifact) -> list[str]:
    """The artifact as lines for a terminal: status, size, AUC, Brier and the reliability table."""
    m = artifact.manifest
    lines = [f"model {m.version}: {m.status.value}",
             (f"  trained on {m.training_rows} outcomes, {m.training_positives} conversions "
              f"(needs >= {m.min_leads} and >= {m.min_conversions}); {m.algorithm}, {m.calibration} calibration")]
    if m.status is not ModelStatus.TRAINED:
        return [*lines, "  not usable: leads keep the rules priority (MODEL_INSUFFICIENT_DATA)"]
    lines.append(f"  held-out: {m.holdout_rows} rows, {m.holdout_positives} conversions; AUC {m.auc:.3f}, "
                 f"Brier {m.brier:.4f} (base rate {m.base_rate:.3f})")
    lines.append(f"  {'predicted':<13}{'leads':>7}{'mean p':>9}{'observed':>10}")
    for b in m.calibration_table:
        if b.count:
            lines.append(f"  {b.low:.1f}-{b.high:.1f}      {b.count:>7}"
                         f"{b.mean_predicted:>9.3f}{b.observed_rate:>10.3f}")
    return lines
