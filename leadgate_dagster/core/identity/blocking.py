"""In-batch blocking: the candidate pairs worth comparing, never all pairs.

Every pass groups records by a blocking key and pairs records of a group. Groups of up to `window + 1`
records give all their pairs; in a larger group (a big company, a common surname) records are sorted by
name and each is paired with its `window` successors (sorted neighbourhood), so the number of pairs
stays at most `n * window` per pass whatever the data. Sorting breaks ties by record id, never by
input position, so the pairs found do not depend on the order of arrival.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import jellyfish
import numpy as np
import pandas as pd

from leadgate_dagster.core.identity.codes import combined_codes
from leadgate_dagster.core.identity.keys import KEY_GROUPS, company_slugs
from leadgate_dagster.core.identity.places import house_number
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


@dataclass(frozen=True)
class BlockingRule:
    """One blocking pass: its name, the compared fields it holds equal (EM does not estimate those on its
    pairs), and the bound on the pairs it may propose (`window` neighbours per record and key entry)."""

    name: str
    fixes: tuple[str, ...]
    pairs: np.ndarray  # (m, 2) positions
    bound: int


def blocking_rules(
    keys: pd.DataFrame, shared: pd.DataFrame, id_rank: np.ndarray, settings: IdentitySettings
) -> Iterator[BlockingRule]:
    """The blocking passes for the columns present, one at a time (a pass on a column no record has
    proposes nothing and costs a factorize).

    Passes: exact non-shared email, phone, device and address keys; company domain with a name token, in
    either name role (swapped names included); company with the phonetic code of either name; postal code
    or city with a phonetic surname; date of birth; postal code with the house number; and a sorted
    neighbourhood over whole names in both orders. Each proposes at most `window` pairs per record and key
    entry, and at most `max_pairs_per_record` per record in all.
    """
    n = len(keys)
    order = name_order(keys, id_rank)
    w = min(settings.block_window, settings.max_pairs_per_record)

    def rule(name: str, fixes: tuple[str, ...], pairs: np.ndarray, entries: int, window: int = w) -> BlockingRule:
        return BlockingRule(name, fixes, pairs, min(window * entries, settings.max_pairs_per_record) * n)

    fixes_of = {"email": ("email",), "phone": ("phone",), "device": ("device",), "address": ("street", "locality")}
    for key_type, columns in KEY_GROUPS:
        if keys[list(columns)].notna().to_numpy().any():
            pos, values = _long(keys, list(columns), set(shared.loc[shared["key_type"] == key_type, "key"]))
            yield rule(key_type, fixes_of[key_type],
                       window_pairs(pos, _codes(values), np.tile(order, len(columns)), w), len(columns))
    named = keys["first"].notna().any() or keys["last"].notna().any()
    if named and keys["domain"].notna().any():
        tokens_pos, tokens = _long(keys, ["first", "last"])
        domain = pd.concat([keys["domain"].reset_index(drop=True)] * 2, ignore_index=True)
        yield rule("domain+name", ("domain",), window_pairs(tokens_pos, _codes(domain, tokens), np.tile(order, 2), w), 2)
    sounds = [_phonetic(keys["last"]), _phonetic(keys["first"])] if named else []
    for label, company in zip(("company", "website"), company_slugs(keys), strict=True):
        for part, sound in zip(("last_name", "first_name"), sounds, strict=False):
            if company.notna().any():
                yield rule(f"{label}+{part}", ("company", part), window_pairs(
                    np.arange(n), _codes(company.reset_index(drop=True), sound.reset_index(drop=True)), order, w), 1)
    for place in ("postal", "city"):
        if sounds and keys[place].notna().any():
            yield rule(f"{place}+last_name", ("locality", "last_name"), window_pairs(
                np.arange(n), _codes(keys[place].reset_index(drop=True), sounds[0].reset_index(drop=True)),
                order, w), 1)
    if keys["dob"].notna().any():
        yield rule("date_of_birth", ("date_of_birth",),
                   window_pairs(np.arange(n), _codes(keys["dob"].reset_index(drop=True)), order, w), 1)
    if keys["street"].notna().any():
        number = keys["street"].map(lambda v: house_number(v) if isinstance(v, str) else None)
        yield rule("postal+house_number", ("locality",), window_pairs(
            np.arange(n), _codes(keys["postal"].reset_index(drop=True), number.reset_index(drop=True)), order, w), 1)
    if not named:
        company = keys["company"].reset_index(drop=True)
        if company.notna().any():
            yield rule("company", ("company",), window_pairs(np.arange(n), _codes(company), order, w), 1)
        return
    everyone = np.zeros(n, dtype=np.int64)
    yield rule("names (last, first)", ("first_name", "last_name"),
               window_pairs(np.arange(n), everyone, order, settings.name_window), 1, settings.name_window)
    first_order = np.lexsort(
        (id_rank, pd.factorize((keys["first"].fillna("") + " " + keys["last"].fillna("")).to_numpy(dtype=object),
                               sort=True)[0])
    )
    yield rule("names (first, last)", ("first_name", "last_name"),
               window_pairs(np.arange(n), everyone, first_order.argsort().astype(np.int64), settings.name_window), 1,
               settings.name_window)


def candidate_pairs(
    keys: pd.DataFrame, shared: pd.DataFrame, id_rank: np.ndarray, settings: IdentitySettings,
    report: list[tuple[str, int, int]] | None = None,
    samples: dict[str, tuple[tuple[str, ...], np.ndarray]] | None = None,
) -> np.ndarray:
    """All blocking passes (blocking_rules), as unique position pairs (i < j by position).

    Args:
        keys: build_keys output, rows in input order.
        shared: shared_keys output; shared values take no part in blocking.
        id_rank: rank of each record's id, the tie-break that makes blocking order-independent.
        settings: block and name windows.
        report: when given, gets (rule, pairs proposed, bound) per rule.
        samples: when given, gets per rule (fields it fixes, a seeded sample of at most
            `estimation.em_pairs_per_rule` of its pairs): what EM per blocking rule trains on.

    Returns:
        An (m, 2) int64 array of unique pairs of positions, i < j.
    """
    n = len(keys)
    found: list[np.ndarray] = []
    rng = np.random.default_rng(settings.estimation.seed)
    for r in blocking_rules(keys, shared, id_rank, settings):
        if samples is not None and len(r.pairs):
            k = min(len(r.pairs), settings.estimation.em_pairs_per_rule)
            samples[r.name] = (r.fixes, r.pairs[np.sort(rng.choice(len(r.pairs), k, replace=False))])
        # one int64 per unordered pair (lower * n + higher), self-pairs dropped: half the memory of the
        # position pairs, and a plain sort then dedups all passes
        lo, hi = r.pairs.min(axis=1), r.pairs.max(axis=1)
        found.append(lo[lo != hi] * np.int64(n) + hi[lo != hi])
        if report is not None:
            report.append((r.name, len(r.pairs), r.bound))
    encoded = np.concatenate(found) if found else np.empty(0, np.int64)
    del found[:]
    encoded.sort()
    encoded = encoded[np.concatenate(([True], encoded[1:] != encoded[:-1]))] if len(encoded) else encoded
    return np.column_stack((encoded // max(n, 1), encoded % max(n, 1)))
