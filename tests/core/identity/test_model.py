from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from leadgate_dagster.core.identity import MatchModel, load_model, score_pairs
from leadgate_dagster.core.identity.comparisons import COMPARISONS
from leadgate_dagster.core.identity.model import model_from_dict
from leadgate_dagster.core.identity.training import fit_weights


def test_shipped_model_loads_with_the_engine_vocabulary(model: MatchModel) -> None:
    assert model.version == "v2"
    assert [f.name for f in model.fields] == list(COMPARISONS)
    assert "training_data" in model.provenance


def test_scores_come_with_per_field_contributions(model: MatchModel) -> None:
    levels = pd.DataFrame({f: [0, 0] for f in COMPARISONS})
    levels.loc[0, ["first_name", "last_name", "email"]] = [
        COMPARISONS["first_name"].index("exact"),
        COMPARISONS["last_name"].index("exact"),
        COMPARISONS["email"].index("exact"),
    ]
    levels.loc[1, ["first_name", "last_name"]] = [
        COMPARISONS["first_name"].index("different"),
        COMPARISONS["last_name"].index("different"),
    ]
    scores = score_pairs(model, levels)
    assert scores.probability[0] > 0.99 > 0.01 > scores.probability[1]
    assert list(scores.contributions.columns) == list(COMPARISONS)
    assert scores.contributions.loc[0, "email"] > 0 and scores.contributions.loc[1, "first_name"] < 0
    assert (scores.contributions.loc[:, "phone"] == 0).all()  # missing fields weigh nothing
    bits = scores.intercept_bits + scores.contributions.sum(axis=1)
    np.testing.assert_allclose(scores.probability, 1 / (1 + 2.0**-bits))


def test_artifact_with_other_levels_is_refused(model: MatchModel) -> None:
    doc = json.loads(json.dumps(model.to_dict()))
    doc["fields"]["email"]["levels"] = ["null", "exact", "different"]
    with pytest.raises(ValueError, match="levels for email"):
        model_from_dict(doc)
    doc = json.loads(json.dumps(model.to_dict()))
    doc["fields"]["phone"]["weights_bits"][COMPARISONS["phone"].index("shared")] = 3.0
    with pytest.raises(ValueError, match="zero for missing and shared"):
        model_from_dict(doc)


def test_round_trip(model: MatchModel, tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "m.json"  # type: ignore[operator]
    path.write_text(json.dumps(model.to_dict()))
    assert load_model("ignored", path=path) == model


def test_fit_weights_learns_direction() -> None:
    rng = np.random.default_rng(0)
    n = 2000
    same = rng.random(n) < 0.3
    levels = pd.DataFrame({f: np.zeros(n, dtype=np.int8) for f in COMPARISONS})
    agree = np.where(rng.random(n) < 0.9, same, ~same)
    levels["email"] = np.where(
        agree, COMPARISONS["email"].index("exact"), COMPARISONS["email"].index("different")
    )
    _, weights, loss = fit_weights(levels, same)
    assert (
        weights["email"][COMPARISONS["email"].index("exact")]
        > 2
        > -2
        > weights["email"][COMPARISONS["email"].index("different")]
    )
    assert weights["email"][0] == 0.0 and loss < 0.5
