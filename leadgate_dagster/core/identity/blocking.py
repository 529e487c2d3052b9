"""In-batch blocking: the candidate pairs worth comparing, never all pairs.

Every pass groups records by a blocking key and pairs records of a group. Groups of up to `window + 1`
records give all their pairs; in a larger group (a big company, a common surname) records are sorted by
name and each is paired with its `window` successors (sorted neighbourhood), so the number of pairs
stays at most `n * window` per pass whatever the data. Sorting breaks ties by record id, never by
input position, so the pairs found do not depend on the order of arrival.
"""

from __future__ import annotations

import jellyfish
import numpy as np
import pandas as pd

from leadgate_dagster.core.identity.codes import combined_codes
from leadgate_dagster.core.identity.keys import KEY_GROUPS, company_slugs
from leadgate_dagster.core.identity.settings import IdentitySettings

SMALL_INPUT = 512


def window_pairs(pos: np.ndarray, group: np.ndarray, order: np.ndarray, window: int) -> np.ndarray:
    """Pairs of record positions that share a group.

    Args:
        pos: record position of each entry (a record may have several entries, one per key value).
        group: group code of each entry; negative codes (missing or shared keys) take no part.
        order: sort key within a group (name rank, then id rank).
        window: neighbours each record is paired with inside a large group.

    Returns:
        An (m, 2) int64 array of position pairs, unordered and possibly repeated.
    """
    keep = group >= 0
    pos, group, order = pos[keep], group[keep], order[keep]
    idx = np.lexsort((order, group))
    p, g = pos[idx], group[idx]
    chunks = [np.empty((0, 2), dtype=np.int64)]
    for w in range(1, window + 1):
        same = g[:-w] == g[w:]
        if not same.any():
            break  # groups are contiguous: no pair at distance w means none further away
        chunks.append(np.column_stack((p[:-w][same], p[w:][same])).astype(np.int64))
    return np.concatenate(chunks)


def _codes(*columns: pd.Series) -> np.ndarray:
    """One group code per row for the combination of the given columns; -1 where any is missing.

    Small inputs (a one-lead batch and its graph candidates) are coded with a dict: pandas' factorize costs
    more per call than the whole coding; which numbers the groups get does not change the pairs."""
    if len(columns[0]) <= SMALL_INPUT:
        table: dict[tuple[object, ...], int] = {}
        return np.array([-1 if any(v is None or v != v for v in key) else table.setdefault(key, len(table))
                         for key in zip(*(c.tolist() for c in columns), strict=False)], dtype=np.int64)
    missing = np.logical_or.reduce([c.isna().to_numpy() for c in columns])
    codes = combined_codes(*columns) if len(missing) else np.empty(0, np.int64)
    return np.where(missing, -1, codes).astype(np.int64)


def _long(
    keys: pd.DataFrame, columns: list[str], shared: set[str] | None = None
) -> tuple[np.ndarray, pd.Series]:
    """Stack several key columns into (position, value) entries, shared values removed."""
    n = len(keys)
    values = pd.concat([keys[c].reset_index(drop=True) for c in columns], ignore_index=True)
    if shared:
        values = values.where(~values.isin(shared), None)
    return np.tile(np.arange(n, dtype=np.int64), len(columns)), values


def _phonetic(names: pd.Series) -> pd.Series:
    uniques = pd.unique(names.dropna())
    codes = {u: jellyfish.metaphone(u.replace(" ", "")) or None for u in uniques}
    return names.map(codes)


def name_order(keys: pd.DataFrame, id_rank: np.ndarray) -> np.ndarray:
    """Rank of each record by (last name, first name, record id): the order inside blocks."""
    name = (keys["last"].fillna("") + " " + keys["first"].fillna("")).to_numpy(dtype=object)
    return np.lexsort((id_rank, pd.factorize(name, sort=True)[0])).argsort().astype(np.int64)


def candidate_pairs(
    keys: pd.DataFrame, shared: pd.DataFrame, id_rank: np.ndarray, settings: IdentitySettings
) -> np.ndarray:
    """All blocking passes, as unique position pairs (i < j by position).

    Passes: exact non-shared email, phone and device keys (tiers A and B); company domain with a name
    token, in either name role (tier B, swapped names included); company with the phonetic code of
    either name (tier C); postal code or city with a phonetic name (leads without a company); and a
    sorted neighbourhood over whole names.

    Args:
        keys: build_keys output, rows in input order.
        shared: shared_keys output; shared values take no part in blocking.
        id_rank: rank of each record's id, the tie-break that makes blocking order-independent.
        settings: block and name windows.

    Returns:
        An (m, 2) int64 array of unique pairs of positions, i < j.
    """
    n = len(keys)
    order = name_order(keys, id_rank)
    w = settings.block_window
    found: list[np.ndarray] = []

    def add(pairs: np.ndarray) -> None:
        # one int64 per unordered pair (lower * n + higher), self-pairs dropped: half the memory of the
        # position pairs, and a plain sort then dedups all passes
        lo, hi = pairs.min(axis=1), pairs.max(axis=1)
        found.append(lo[lo != hi] * np.int64(n) + hi[lo != hi])

    for key_type, columns in KEY_GROUPS:
        pos, values = _long(keys, list(columns), set(shared.loc[shared["key_type"] == key_type, "key"]))
        add(window_pairs(pos, _codes(values), np.tile(order, len(columns)), w))
    tokens_pos, tokens = _long(keys, ["first", "last"])
    domain = pd.concat([keys["domain"].reset_index(drop=True)] * 2, ignore_index=True)
    add(window_pairs(tokens_pos, _codes(domain, tokens), np.tile(order, 2), w))
    sounds = [_phonetic(keys["last"]), _phonetic(keys["first"])]
    for company in company_slugs(keys):
        for sound in sounds:
            add(
                window_pairs(
                    np.arange(n),
                    _codes(company.reset_index(drop=True), sound.reset_index(drop=True)),
                    order,
                    w,
                )
            )
    for place in (keys["postal"], keys["city"]):
        add(
            window_pairs(
                np.arange(n), _codes(place.reset_index(drop=True), sounds[0].reset_index(drop=True)), order, w
            )
        )
    everyone = np.zeros(n, dtype=np.int64)
    add(window_pairs(np.arange(n), everyone, order, settings.name_window))
    first_order = np.lexsort(
        (
            id_rank,
            pd.factorize(
                (keys["first"].fillna("") + " " + keys["last"].fillna("")).to_numpy(dtype=object), sort=True
            )[0],
        )
    )
    add(
        window_pairs(np.arange(n), everyone, first_order.argsort().astype(np.int64), settings.name_window)
    )
    encoded = np.concatenate(found)
    del found[:]
    encoded.sort()
    encoded = encoded[np.concatenate(([True], encoded[1:] != encoded[:-1]))] if len(encoded) else encoded
    return np.column_stack((encoded // n, encoded % n))
