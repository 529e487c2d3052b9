"""Parameters estimated from the data: deterministic, per blocking rule, with the shipped model as fallback."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from leadgate_dagster.core.identity import MatchModel, resolve_identities
from leadgate_dagster.core.identity.model import model_from_dict
from leadgate_dagster.core.ruleset import Ruleset

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks" / "data"))
from make_b2c_labelled import generate


@pytest.fixture(scope="module")
def b2c() -> pd.DataFrame:
    frame = pd.DataFrame(generate(seed=5, people=900)).set_index("id").drop(columns="true_person")
    return frame.astype(object).where(frame != "", None)


def test_estimation_is_deterministic_and_records_what_it_did(b2c: pd.DataFrame, rules: Ruleset,
                                                             model: MatchModel) -> None:
    first = resolve_identities(b2c, rules=rules, model=model, estimate=True)
    again = resolve_identities(b2c, rules=rules, model=model, estimate=True)
    assert first.model_version == again.model_version and first.model_version.startswith(f"{model.version}+em.")
    pd.testing.assert_frame_equal(first.assignments, again.assignments)
    report = first.model_report
    assert report["estimated"] and report["source"]["date_of_birth"] == "em"
    # a rule never estimates what it holds equal: the date-of-birth rule says nothing about dates of birth
    assert {"rule": "date_of_birth", "fixes": ["date_of_birth"]}.items() <= next(
        r for r in report["rules"] if r["rule"] == "date_of_birth").items()
    exact, different = report["weights"]["date_of_birth"][1], report["weights"]["date_of_birth"][-1]
    assert exact > 5 > 0 > different  # agreeing on a birthday is strong evidence, disagreeing is against


def test_term_frequency_tables_keep_only_values_seen_often(b2c: pd.DataFrame, rules: Ruleset,
                                                           model: MatchModel) -> None:
    from leadgate_dagster.core.identity.candidates import block_batch
    from leadgate_dagster.core.identity.estimation import estimate_model
    from leadgate_dagster.core.identity.key_codes import code_keys
    from leadgate_dagster.core.identity.settings import IdentitySettings

    settings = IdentitySettings.from_ruleset(rules)
    batch = block_batch(b2c, settings=settings)
    table = code_keys(batch.keys, batch.shared, batch.contested, tf_min_count=5)
    found = estimate_model(table, batch.samples, batch.pairs, model, settings).model
    counts = batch.keys["last"].value_counts()
    stored = {v for v in found.tf_tables["last"] if v}
    assert stored and stored <= set(counts[counts >= 5].index)
    assert set(counts[counts > 5].index) <= stored
    common, rare = counts.index[0], counts.index[-1]
    assert rare not in stored  # a surname held once never lands in an artifact
    # agreeing on the commonest surname is worth less than the average agreement
    assert found.tf_tables["last"][common] > found.tf_u["last_name"]
    again = model_from_dict(found.to_dict())
    assert again.tf_tables == found.tf_tables and again.tf_u == found.tf_u


def test_small_files_are_judged_by_the_shipped_model(rules: Ruleset, model: MatchModel) -> None:
    leads = pd.DataFrame({"first_name": ["Ann", "Ann"], "last_name": ["Lee", "Lee"],
                          "email": ["ann@x.io", "ann@x.io"]}, index=["a", "b"])
    res = resolve_identities(leads, rules=rules, model=model, estimate=True)
    assert res.model_version == model.version and not res.model_report["estimated"]
    assert "min_records" in res.model_report["reason"]
