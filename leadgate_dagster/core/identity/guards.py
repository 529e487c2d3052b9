"""Contested keys: a phone, email or address held in the file by records that cannot be one entity.

A key seen with more than `shared_key_max_names` names is *shared* and weighs nothing (keys.shared_keys).
Below that, a household landline held by a mother and a son, or an organisation's switchboard held by its
sites in three towns, still joins records that are different people or sites. Such a key is *contested*:
it still proposes pairs and still counts in the score, but a pair it joins auto-merges only on the rest of
its evidence (tiers.assign_tiers). Holders conflict when both carry a person name and the names conflict or
the dates of birth differ; or, for records without a person name, when their streets or companies differ.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd
from rapidfuzz import fuzz

from leadgate_dagster.core.identity.keys import KEY_GROUPS
from leadgate_dagster.core.identity.names import names_conflict
from leadgate_dagster.core.identity.places import dob_level
from leadgate_dagster.core.identity.settings import IdentitySettings

_MAX_HOLDERS = 8  # distinct holders compared per key; a key with more is nearly always shared anyway

Holder = tuple[str | None, str | None, str | None, str | None, str | None]  # first, last, dob, street, company


def _conflict(a: Holder, b: Holder, settings: IdentitySettings) -> bool:
    if (a[0] or a[1]) and (b[0] or b[1]):
        if names_conflict(a[0], a[1], b[0], b[1], settings.name_conflict_similarity):
            return True
        return bool(a[2] and b[2] and dob_level(a[2], b[2], settings.dob_within_days) == "different")
    if a[3] and b[3] and a[3] != b[3]:
        return True
    return bool(a[4] and b[4] and fuzz.token_set_ratio(a[4], b[4]) < 100 * settings.company_similar)


def contested_keys(keys: pd.DataFrame, shared: pd.DataFrame, settings: IdentitySettings) -> pd.DataFrame:
    """Keys (not shared) whose holders in `keys` conflict.

    Args:
        keys: build_keys output.
        shared: shared_keys output (shared keys are left out: they weigh nothing already).
        settings: name and date thresholds.

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
                 if len(hs) > 1 and any(_conflict(a, b, settings) for a, b in combinations(hs, 2))]
    return pd.DataFrame(rows, columns=["key_type", "key"])
