"""The conversion model on the shipped outcome fixtures: trained and used with enough data, else the rules score."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from leadgate_dagster.core.disposition import decide
from leadgate_dagster.core.model_artifact import ModelArtifact, ModelStatus, dump_artifact, load_artifact
from leadgate_dagster.core.model_features import FEATURES, model_features
from leadgate_dagster.core.ruleset import Ruleset, load_ruleset
from leadgate_dagster.core.scoring_model import model_fallback_reason, score_with_model, train_model
from tests.core.scoring.conftest import AS_OF, FIXTURES, batch, lead, with_rules

CREATED = "2026-11-01T00:00:00Z"


def _outcomes(name: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / name, dtype={"demo_requested": str}, keep_default_na=False)


@pytest.fixture(scope="module")
def enough() -> pd.DataFrame:
    return pd.read_csv(FIXTURES.parents[1] / "leadgate_dagster" / "examples" / "outcomes_example.csv",
                       dtype={"demo_requested": str}, keep_default_na=False)


@pytest.fixture(scope="module")
def trained(enough: pd.DataFrame) -> ModelArtifact:
    return train_model(enough, load_ruleset(), created_at=CREATED)


def test_fixtures_sit_on_either_side_of_the_thresholds(enough: pd.DataFrame) -> None:
    cfg = load_ruleset().scoring.model
    too_few = _outcomes("outcomes_too_few.csv")
    assert len(enough) >= cfg.min_leads and enough["converted"].sum() >= cfg.min_conversions
    assert len(too_few) < cfg.min_leads and too_few["converted"].sum() < cfg.min_conversions


def test_enough_outcomes_train_a_calibrated_model_with_a_full_manifest(trained: ModelArtifact,
                                                                      enough: pd.DataFrame) -> None:
    m = trained.manifest
    assert m.status is ModelStatus.TRAINED and trained.model_bytes
    assert m.training_rows == len(enough) and m.training_positives == int(enough["converted"].sum())
    assert m.features == FEATURES and m.ruleset_version == load_ruleset().version
    assert m.version.startswith("conv-20261101T000000Z-") and m.created_at.startswith("2026-11-01")
    assert 0.6 < m.auc < 1.0 and 0.0 < m.brier < 0.15  # the fixture carries real signal, and noise
    assert sum(b.count for b in m.calibration_table) == m.holdout_rows > 0
    assert json.loads(m.to_json())["calibration_table"][0]["low"] == 0.0


def test_the_trained_model_scores_and_says_so(trained: ModelArtifact, enough: pd.DataFrame) -> None:
    out = score_with_model(enough.head(200), trained, load_ruleset())
    assert (out["priority_source"] == trained.version).all() and out["priority_reason"].isna().all()
    assert out["conversion_probability"].between(0, 1).all()
    assert out["priority_score"].between(0, 100).all()
    # calibrated: the mean predicted probability is near the observed conversion rate
    assert abs(out["conversion_probability"].mean() - enough.head(200)["converted"].mean()) < 0.06


def test_more_engagement_never_lowers_the_probability_much(trained: ModelArtifact) -> None:
    rows = pd.DataFrame({"seniority": "director", "department": "sales", "industry": "software",
                         "employee_count": 300, "engagement_score": [5, 40, 80]})
    p = score_with_model(rows, trained, load_ruleset())["conversion_probability"].to_numpy()
    assert p[2] >= p[0]


@pytest.mark.parametrize(("artifact_kind", "reason"), [("none", "MODEL_NOT_TRAINED"),
                                                       ("too_few", "MODEL_INSUFFICIENT_DATA")],
                         ids=["no-artifact", "too-few-outcomes"])
def test_without_a_usable_model_the_rules_score_is_used_with_its_reason(artifact_kind: str, reason: str) -> None:
    rules = load_ruleset()
    artifact = None if artifact_kind == "none" else train_model(_outcomes("outcomes_too_few.csv"), rules)
    if artifact is not None:
        assert artifact.manifest.status is ModelStatus.INSUFFICIENT_DATA and artifact.model_bytes is None
    frame = pd.DataFrame({"score": [80, 20], "engagement_score": [50, 0]})
    out = score_with_model(frame, artifact, rules)
    assert out["priority_source"].tolist() == ["rules", "rules"] and out["priority_reason"].tolist() == [reason] * 2
    assert out["priority_score"].tolist() == [68, 12]  # 0.6 * 80 + 0.4 * 50, 0.6 * 20
    assert out["conversion_probability"].isna().all()


def test_raising_the_thresholds_retires_an_older_model(trained: ModelArtifact) -> None:
    stricter = with_rules("scoring: {model: {min_leads: 5000}}")
    assert model_fallback_reason(trained, load_ruleset()) is None
    assert model_fallback_reason(trained, stricter) == "MODEL_INSUFFICIENT_DATA"
    other = replace(trained, manifest=replace(trained.manifest, features=("seniority",)))
    assert model_fallback_reason(other, load_ruleset()) == "MODEL_INCOMPATIBLE"


def test_artifact_round_trips_and_tampering_is_detected(trained: ModelArtifact, tmp_path: Path,
                                                       enough: pd.DataFrame) -> None:
    loaded = load_artifact(dump_artifact(trained, tmp_path))
    assert loaded.manifest == trained.manifest
    rules = load_ruleset()
    a = score_with_model(enough.head(50), trained, rules)["conversion_probability"]
    b = score_with_model(enough.head(50), loaded, rules)["conversion_probability"]
    assert np.allclose(a, b)
    broken = replace(loaded, model_bytes=loaded.model_bytes[:-1] + b"\0")
    with pytest.raises(ValueError):
        broken.estimator()


def test_decide_records_the_model_version_and_keeps_fit_and_engagement_apart(trained: ModelArtifact) -> None:
    out = decide(batch(lead(demo_requested="yes"), lead()), rules=load_ruleset(), model=trained, as_of=AS_OF)
    assert (out["model_version"] == trained.version).all() and out["conversion_probability"].notna().all()
    assert out["score_inputs"].iloc[0]["priority"]["priority_source"] == trained.version
    assert out["disposition"].tolist() == ["ROUTE_AE", "ROUTE_SDR"]  # the model prioritizes, it does not route
    assert {"score_fit", "engagement_score", "priority_score"} <= set(out.columns)


def test_features_are_the_same_for_outcomes_and_leads(rules: Ruleset) -> None:
    from_title = model_features(batch(lead(job_title="VP Sales", employee_count=250)), rules=rules)
    given = model_features(pd.DataFrame({"seniority": ["vp"], "department": ["sales"], "employee_count": [250]}),
                           rules=rules)
    assert from_title.iloc[0].to_dict() == given.iloc[0].to_dict()
