"""Contested keys: a phone, email or address held in the file by records that cannot be one entity.

A key seen with more than `shared_key_max_names` names is *shared* and weighs nothing (keys.shared_keys).
Below that, a household landline held by a mother and a son, or an organisation's switchboard held by its
sites in three towns, still joins records that are different people or sites. Such a key is *contested*:
it still proposes pairs and still counts in the score, but a pair it joins auto-merges only on the rest of
its evidence (tiers.assign_tiers). Holders conflict when both carry a person name and the names conflict or
the dates of birth differ (only in a file that shows households, see below); or, for records without a
person name, when their streets or companies differ.

Households are what make a conflicting first name or date of birth a proof of two people: twins, father and
son, a mother and her daughter at one address. Whether the file has them is measured, not assumed
(`household_evidence`, on the candidate pairs the parameters are estimated from): among co-resident pairs
(one surname, one street) those whose first names and dates of birth both differ are two people under one
roof, while duplicates alone give about the product of the two fields' error rates. Where the share reaches
`household_share` (or cannot be measured), the name and date-of-birth guards hold: a contested key, no auto-merge
across a conflict, no cluster joining one. Below it, as in a file whose duplicates often carry another first
name or date of birth, the disagreement is evidence with its estimated weight and nothing more.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from leadgate_dagster.core.identity.keys import KEY_GROUPS
from leadgate_dagster.core.identity.levels import COMPARISONS
from leadgate_dagster.core.identity.model import MatchModel
from leadgate_dagster.core.identity.names import names_conflict
from leadgate_dagster.core.identity.places import dob_level
from leadgate_dagster.core.identity.settings import IdentitySettings

_MAX_HOLDERS = 8  # distinct holders compared per key; a key with more is nearly always shared anyway

Holder = tuple[str | None, str | None, str | None, str | None, str | None]  # first, last, dob, street, company


def household_evidence(levels: pd.DataFrame) -> tuple[int, int]:
    """(co-resident pairs: one surname, one street, both first names and dates of birth given; those of them
    whose first names and dates of birth both differ) among compared pairs."""
    lv = {f: levels[f].to_numpy() for f in ("first_name", "last_name", "date_of_birth", "street")}

    def at(field: str, *names: str) -> np.ndarray:
        return np.isin(lv[field], [COMPARISONS[field].index(n) for n in names])

    coresident = (at("last_name", "exact") & at("street", "exact", "similar") & ~at("first_name", "null")
                  & ~at("date_of_birth", "null"))
    two_people = coresident & at("first_name", "jw80", "different") & at("date_of_birth", "different")
    return int(coresident.sum()), int(two_people.sum())


def households_shown(model: MatchModel, settings: IdentitySettings) -> bool:
    """Whether the name and date-of-birth guards hold for this model: its file showed households, or nobody
    measured (the shipped model, a small file, a file without dates of birth or streets)."""
    return model.household_share is None or model.household_share >= settings.household_share


def _conflict(a: Holder, b: Holder, settings: IdentitySettings, households: bool) -> bool:
    if (a[0] or a[1]) and (b[0] or b[1]):
        if not households:
            return False
        if names_conflict(a[0], a[1], b[0], b[1], settings.name_conflict_similarity):
            return True
        return bool(a[2] and b[2] and dob_level(a[2], b[2], settings.dob_within_days) == "different")
    if a[3] and b[3] and a[3] != b[3]:
        return True
    return bool(a[4] and b[4] and fuzz.token_set_ratio(a[4], b[4]) < 100 * settings.company_similar)


def contested_keys(keys: pd.DataFrame, shared: pd.DataFrame, settings: IdentitySettings, *,
                   households: bool = True) -> pd.DataFrame:
    """Keys (not shared) whose holders in `keys` conflict.

    Args:
        keys: build_keys output.
        shared: shared_keys output (shared keys are left out: they weigh nothing already).
        settings: name and date thresholds.
        households: whether persons' names and dates of birth can conflict (households_shown); when not, only
            records without a person name (sites) can.

    Returns:
        key_type, key of each contested key.
    """
    skip = set(zip(shared["key_type"], shared["key"], strict=False))
    holder_columns = [keys[c].to_numpy(dtype=object) for c in ("first", "last", "dob", "street", "company")]
    rows: list[tuple[str, str]] = []
    for key_type, columns in KEY_GROUPS:
        values = pd.concat([keys[c] for c in columns], ignore_index=True)
        repeated = (values.notna() & values.duplicated(keep=False)).to_numpy()  # only keys held twice can conflict
        seen: dict[str, list[Holder]] = {}
        for i in repeated.nonzero()[0].tolist():
            value, r = values.iat[i], i % len(keys)
            if (key_type, value) in skip:
                continue
            holder: Holder = tuple(col[r] for col in holder_columns)  # type: ignore[assignment]
            found = seen.setdefault(value, [])
            if holder not in found and len(found) < _MAX_HOLDERS:
                found.append(holder)
        rows += [(key_type, v) for v, hs in seen.items()
                 if len(hs) > 1 and any(_conflict(a, b, settings, households) for a, b in combinations(hs, 2))]
    return pd.DataFrame(rows, columns=["key_type", "key"])
