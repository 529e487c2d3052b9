"""The partition of records into persons depends on the records, not on their order or on re-runs."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from leadgate_dagster.core.identity import IdentityResolution, MatchModel, resolve_identities
from leadgate_dagster.core.ruleset import Ruleset

LABELLED = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "leads_labelled.csv"


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    frame = pd.read_csv(LABELLED, dtype=str, keep_default_na=False, nrows=1500).set_index("id")
    return frame.drop(columns="true_person").replace("", None)


def partition(res: IdentityResolution) -> set[frozenset[str]]:
    groups = res.assignments.groupby("person_id").groups
    return {frozenset(map(str, ids)) for ids in groups.values()}


def test_shuffled_input_gives_the_same_partition(
    sample: pd.DataFrame, rules: Ruleset, model: MatchModel
) -> None:
    base = resolve_identities(sample, rules=rules, model=model)
    assert (base.assignments["decision"] == "auto_merge").sum() > 100  # the sample has real merges to keep
    for seed in (1, 2):
        order = list(sample.index)
        random.Random(seed).shuffle(order)
        shuffled = resolve_identities(sample.loc[order], rules=rules, model=model)
        assert partition(shuffled) == partition(base)
        assert shuffled.assignments.index.tolist() == order  # output follows input order


def test_person_id_follows_the_earliest_record(
    sample: pd.DataFrame, rules: Ruleset, model: MatchModel
) -> None:
    res = resolve_identities(sample, rules=rules, model=model)
    a = res.assignments
    first = a.reset_index().groupby("person_id")["id"].first()
    assert (a.loc[first.values, "decision"] != "auto_merge").all()
    merged = a[a["decision"] == "auto_merge"]
    assert merged["matched_to"].notna().all() and merged["tier"].isin(["A", "B"]).all()


def test_rerun_is_identical(sample: pd.DataFrame, rules: Ruleset, model: MatchModel) -> None:
    one = resolve_identities(sample, rules=rules, model=model)
    two = resolve_identities(sample, rules=rules, model=model)
    pd.testing.assert_frame_equal(one.assignments, two.assignments)
    pd.testing.assert_frame_equal(one.pairs, two.pairs)


def test_resolving_a_batch_again_with_its_duplicates_changes_nothing(
    sample: pd.DataFrame, rules: Ruleset, model: MatchModel
) -> None:
    """Idempotence of the partition: appending exact copies of records joins each copy to its original
    and leaves the persons of the original records as they were."""
    head = sample.iloc[:300]
    copies = head.set_axis([f"{i}-again" for i in head.index])
    base = resolve_identities(head, rules=rules, model=model)
    again = resolve_identities(pd.concat([head, copies]), rules=rules, model=model)
    a = again.assignments
    keyed = again.keys.loc[head.index, "email"]
    keyed = keyed[keyed.notna() & ~keyed.isin(again.shared_keys["key"])].index  # an own email: tier A
    assert len(keyed) > 100
    assert (
        a.loc[[f"{i}-again" for i in keyed], "person_id"].to_numpy() == a.loc[keyed, "person_id"].to_numpy()
    ).all()
    originals = {frozenset(i for i in g if not i.endswith("-again")) for g in partition(again)}
    assert partition(base) == originals - {frozenset()}
