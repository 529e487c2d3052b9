"""The keys of a batch as integer codes: what comparing pairs in chunks reads.

Comparing a pair used to gather each key column as Python objects for both records and compare strings;
on millions of pairs that is most of the time and memory. Here every key column (and the derived personal
mailbox and company slugs) is factorized once per batch (int32 codes, -1 for missing), in a value space
shared by the columns compared with each other (first and last names, phone and mobile, the two company
slugs), so equality is an integer comparison and string work happens once per distinct pair of values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadgate_dagster.core.identity.keys import company_slugs, personal_mailboxes

# value space -> key columns coded in it
SPACES: dict[str, tuple[str, ...]] = {
    "name": ("first", "last"),
    "email": ("email", "email_2"),
    "phone": ("phone_1", "phone_2", "phone_3"),
    "device": ("device_1", "device_2"),
    "domain": ("domain",),
    "company": ("company",),
    "mailbox": ("mailbox",),
    "postal": ("postal",),
    "city": ("city",),
    "region": ("region",),
    "slug": ("slug_name", "slug_domain"),
    "dob": ("dob",),
    "street": ("street",),
    "address": ("address",),
    "title": ("title",),
}
_SHARED_TYPE = {"email": "email", "phone": "phone", "device": "device", "address": "address"}
# term-frequency columns: how often a record carries the value, per distinct value of the column's space
TF_COLUMNS = ("first", "last", "city", "company")


@dataclass(frozen=True)
class KeyTable:
    """codes: per column, one int32 code per record (-1 missing); uniques: per value space, the values
    the codes index; shared / contested: per email/phone/device/address column, whether the record's value
    is a shared (guards: contested) key; freq: per TF column, the share of records holding each value of its
    space (a value held by fewer than `tf_min_count` records counts as held by that many)."""

    codes: dict[str, np.ndarray]
    uniques: dict[str, np.ndarray]
    shared: dict[str, np.ndarray]
    contested: dict[str, np.ndarray]
    freq: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.codes["first"])


def code_keys(keys: pd.DataFrame, shared: pd.DataFrame, contested: pd.DataFrame | None = None, *,
              tf_min_count: int = 5, tf_tables: dict[str, dict[str, float]] | None = None) -> KeyTable:
    """Code the key columns compare_pairs reads.

    Args:
        keys: build_keys output, rows in input order.
        shared: shared_keys output.
        contested: guards.contested_keys output (None: no key is contested).
        tf_min_count: the count a rarer value is taken to have for its frequency.
        tf_tables: frequencies per TF column from an estimated parameter set (its values seen at least
            tf_min_count times, and under "" the frequency any other value gets); None counts the records of
            `keys` instead.

    Returns:
        The coded table, aligned with the rows of keys.
    """
    columns = {c: keys[c].to_numpy(dtype=object) for space in SPACES.values() for c in space if c in keys}
    columns["mailbox"] = np.asarray(personal_mailboxes(keys, shared), dtype=object)
    by_name, by_domain = company_slugs(keys)
    columns["slug_name"], columns["slug_domain"] = by_name.to_numpy(dtype=object), by_domain.to_numpy(dtype=object)
    codes: dict[str, np.ndarray] = {}
    uniques: dict[str, np.ndarray] = {}
    n = len(keys)
    for space, names in SPACES.items():
        joined = np.concatenate([columns[c] for c in names]) if n else np.empty(0, dtype=object)
        code, values = pd.factorize(joined)  # None and NaN are -1: missing
        uniques[space] = np.asarray(values, dtype=object)
        for i, c in enumerate(names):
            codes[c] = code[i * n : (i + 1) * n].astype(np.int32)
    flags: dict[str, dict[str, np.ndarray]] = {"shared": {}, "contested": {}}
    empty = pd.DataFrame({"key_type": [], "key": []})
    for kind, frame in (("shared", shared), ("contested", empty if contested is None else contested)):
        for space, key_type in _SHARED_TYPE.items():
            values = set(frame.loc[frame["key_type"] == key_type, "key"])
            for c in SPACES[space]:
                flags[kind][c] = (np.fromiter((v in values for v in columns[c]), dtype=bool, count=n) if values
                                  else np.zeros(n, dtype=bool))
    freq = {}
    for c in TF_COLUMNS:
        space = next(sp for sp, cols in SPACES.items() if c in cols)
        if tf_tables is not None:
            table = tf_tables.get(c, {})
            floor = table.get("", 0.0)  # the estimator stores a rare value's frequency under ""
            freq[c] = np.array([table.get(v, floor) for v in uniques[space]], dtype=float)
        else:
            valid = codes[c][codes[c] >= 0]
            counts = np.bincount(valid, minlength=len(uniques[space])).astype(float)
            freq[c] = np.maximum(counts, tf_min_count) / max(n, 1)
    return KeyTable(codes=codes, uniques=uniques, shared=flags["shared"], contested=flags["contested"], freq=freq)


def take(table: KeyTable, positions: np.ndarray) -> dict[str, np.ndarray]:
    """The codes of the records at positions (one side of a chunk of pairs)."""
    return {c: v[positions] for c, v in table.codes.items()}
