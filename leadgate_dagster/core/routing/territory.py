"""Territory rules: which owners cover a lead, and how specifically.

An owner's rule is the conjunction of the dimensions it sets (countries, regions, postal prefixes, segment);
a dimension it leaves empty matches everything. Where a rule matches, its specificity is one number built
from the dimensions in `routing.territory_precedence` order (most significant first; a postal dimension counts
the length of the longest matching prefix), so comparing two rules is comparing two integers. The owners
covering a lead most specifically are its first pool; less specific ones are the overflow when they are all
at capacity. An owner with no dimension (specificity 0) covers what nothing narrower covers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

_POSTAL_BITS = 4  # prefixes up to 15 characters: more than any postal code
NO_MATCH = -1


def rule_label(owner: pd.Series | dict[str, object], precedence: Sequence[str]) -> str:
    """"territory:region+country" (the dimensions the owner's rule sets, most significant first), or
    "territory:everything" for an owner with no territory."""
    keys = {"postal": "postal_prefixes", "region": "regions", "country": "countries", "segment": "segment"}
    used = [d for d in precedence if owner[keys[d]]]
    return "territory:" + ("+".join(used) if used else "everything")


def _codes(values: list[object]) -> tuple[np.ndarray, list[object]]:
    """Factorize: an integer code per lead (-1: missing) and the distinct values, so a rule is judged once per
    distinct value, then spread over the leads by indexing."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    return codes, list(uniques)


def _table(uniques: list[object], judge: Callable[[object], int]) -> np.ndarray:
    """judge(value) per distinct value, plus a 0 at the end for the missing code (-1)."""
    return np.array([*(judge(u) for u in uniques), 0], dtype=np.int64)


def specificity(places: pd.DataFrame, owners: pd.DataFrame, precedence: Sequence[str]) -> np.ndarray:
    """A leads x owners matrix of rule specificity (NO_MATCH where the owner's rule does not cover the lead).

    Args:
        places: core.routing.places.lead_places (country, region, postal, segments), one row per lead.
        owners: country / region / postal prefix lists and segment per owner (core.routing.owners columns).
        precedence: `routing.territory_precedence`.

    Returns:
        int64 array of shape (len(places), len(owners)); each rule judged per distinct value, never per lead.
    """
    n = len(places)
    columns = {name: _codes(list(places[name])) for name in ("country", "region", "postal", "segments")}
    shifts, bits = {}, 0
    for dim in reversed(precedence):  # the least significant dimension takes the lowest bits
        shifts[dim] = bits
        bits += _POSTAL_BITS if dim == "postal" else 1
    cap = 2 ** _POSTAL_BITS - 1
    out = np.full((n, len(owners)), NO_MATCH, dtype=np.int64)
    for j, owner in enumerate(owners.itertuples(index=False)):
        score = np.zeros(n, dtype=np.int64)
        ok = np.ones(n, dtype=bool)
        tests: list[tuple[str, str, Callable[[object], int]]] = []
        if owner.countries:
            tests.append(("country", "country", lambda v, w=frozenset(owner.countries): int(v in w)))
        if owner.regions:
            tests.append(("region", "region", lambda v, w=frozenset(owner.regions): int(
                v in w or str(v).split("-", 1)[-1] in w)))
        if owner.postal_prefixes:
            tests.append(("postal", "postal", lambda v, w=tuple(owner.postal_prefixes): max(
                (min(len(p), cap) for p in w if str(v).startswith(p)), default=0)))
        if owner.segment:
            tests.append(("segment", "segments", lambda v, w=owner.segment: int(w in v)))  # type: ignore[operator]
        for dim, column, judge in tests:
            codes, uniques = columns[column]
            value = _table(uniques, judge)[codes]
            ok &= value > 0
            score += value << shifts[dim]
        out[ok, j] = score[ok]
    return out


def covered_specifically(scores: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Per lead: does one of the `eligible` owners (a bool per owner) cover it by a rule with at least one
    dimension (a catch-all owner covers everything, so it says nothing about territory)?"""
    if scores.shape[1] == 0:
        return np.zeros(scores.shape[0], dtype=bool)
    return ((scores > 0) & eligible[np.newaxis, :]).any(axis=1)
