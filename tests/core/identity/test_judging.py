"""Judging candidate pairs in chunks, or in worker processes, gives exactly what judging them at once does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from leadgate_dagster.core.identity import MatchModel, candidates, judging, resolve_identities
from leadgate_dagster.core.identity.candidates import ComparedBatch, compare_batch
from leadgate_dagster.core.identity.comparisons import add_name_conflicts
from leadgate_dagster.core.identity.judging import judge_pairs
from leadgate_dagster.core.identity.key_codes import SPACES, code_keys
from leadgate_dagster.core.identity.settings import IdentitySettings
from leadgate_dagster.core.identity.tiers import _lines, assign_tiers, explain
from leadgate_dagster.core.ruleset import Ruleset

LABELLED = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "leads_labelled.csv"


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    frame = pd.read_csv(LABELLED, dtype=str, keep_default_na=False, nrows=1500).set_index("id")
    return frame.drop(columns="true_person").replace("", None)


@pytest.fixture(scope="module")
def batch(sample: pd.DataFrame, rules: Ruleset) -> ComparedBatch:
    return compare_batch(sample, settings=IdentitySettings.from_ruleset(rules))


@pytest.mark.parametrize(("chunk", "workers"), [(None, 1), (101, 1), (997, 2)])
def test_chunks_and_workers_judge_like_all_pairs_at_once(
    batch: ComparedBatch, rules: Ruleset, model: MatchModel, chunk: int | None, workers: int
) -> None:
    settings = IdentitySettings.from_ruleset(rules)
    table = code_keys(batch.keys, batch.shared, batch.contested)
    scores = model.score(batch.comparisons.levels, batch.comparisons.facts)
    add_name_conflicts(batch.comparisons, table, batch.pairs, scores.probability >= settings.review_floor, settings)
    whole = assign_tiers(batch.comparisons, scores, settings)
    keep = whole["tier"].notna().to_numpy()
    assert 0 < keep.sum() < len(keep)  # some pairs are dropped, some kept: the filter is exercised

    got = judge_pairs(
        table,
        batch.pairs,
        model=model,
        settings=settings,
        chunk_pairs=chunk,
        workers=workers,
    )
    np.testing.assert_array_equal(got.pairs, batch.pairs[keep])
    np.testing.assert_array_equal(got.tier, whole["tier"].to_numpy()[keep])
    np.testing.assert_array_equal(got.decision, whole["decision"].to_numpy()[keep])
    np.testing.assert_array_equal(got.probability, scores.probability[keep])
    np.testing.assert_array_equal(got.explanation, explain(batch.comparisons, scores, model)[keep])
    pd.testing.assert_frame_equal(got.contributions, scores.contributions[keep].reset_index(drop=True))


def test_resolution_does_not_depend_on_chunks_or_workers(
    sample: pd.DataFrame, rules: Ruleset, model: MatchModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = resolve_identities(sample, rules=rules, model=model)
    monkeypatch.setattr(judging, "CHUNK_PAIRS", 500)
    monkeypatch.setattr(candidates, "_MIN_ROWS_PER_WORKER", 100)  # keys from two slices, in two processes
    chunked = resolve_identities(sample, rules=rules, model=model, workers=2)
    assert (base.assignments["decision"] == "auto_merge").sum() > 100
    pd.testing.assert_frame_equal(chunked.keys, base.keys)
    pd.testing.assert_frame_equal(chunked.shared_keys, base.shared_keys)
    pd.testing.assert_frame_equal(chunked.assignments, base.assignments)
    pd.testing.assert_frame_equal(chunked.pairs, base.pairs)
    pd.testing.assert_frame_equal(chunked.contributions, base.contributions)


def test_explanations_built_once_per_distinct_line_match_lines_built_per_pair(
    batch: ComparedBatch, model: MatchModel
) -> None:
    scores = model.score(batch.comparisons.levels)
    shared = explain(batch.comparisons, scores, model)
    one_by_one = _lines(batch.comparisons, model)
    assert len(set(shared)) > 20  # many distinct lines, so a grouping that merged two would show
    np.testing.assert_array_equal(shared, one_by_one)


def test_key_codes_stand_for_the_key_values(batch: ComparedBatch) -> None:
    table = code_keys(batch.keys, batch.shared)
    for space, columns in SPACES.items():
        for column in columns:
            if column not in batch.keys:
                continue
            codes = table.codes[column]
            values = np.append(table.uniques[space], None)  # code -1 (missing) -> None, also for an empty space
            back = values[codes]
            expected = batch.keys[column].to_numpy(dtype=object)
            assert [None if pd.isna(v) else v for v in expected] == back.tolist(), column
    shared_phones = set(batch.shared.loc[batch.shared["key_type"] == "phone", "key"])
    assert shared_phones  # the sample has switchboard numbers
    assert (table.shared["phone_1"] == batch.keys["phone_1"].isin(shared_phones).to_numpy()).all()
