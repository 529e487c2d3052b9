"""Territory rules: which owners cover a lead, and how specifically.

An owner's rule is the conjunction of the dimensions it sets (countries, regions, postal prefixes, segment);
a dimension it leaves empty matches everything. Where a rule matches, its specificity is one number built
from the dimensions in `routing.territory_precedence` order (most significant first; a postal dimension counts
the length of the longest matching prefix), so comparing two rules is comparing two integers. The owners
covering a lead most specifically are its first pool; less specific ones are the overflow when they are all
at capacity. An owner with no dimension (specificity 0) covers what nothing narrower covers.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def _postal_length(postal: np.ndarray, prefixes: Sequence[str]) -> np.ndarray:
    """Per lead, the length of the longest of `prefixes` its postal key starts with (0: none)."""
    out = np.zeros(len(postal), dtype=np.int64)
    known = np.array([p is not None for p in postal])
    codes = pd.Series(postal[known], dtype=object).astype(str)
    for prefix in prefixes:
        hit = codes.str.startswith(prefix).to_numpy(dtype=bool)
        rows = np.flatnonzero(known)[hit]
        out[rows] = np.maximum(out[rows], min(len(prefix), 2 ** _POSTAL_BITS - 1))
    return out


def specificity(places: pd.DataFrame, owners: pd.DataFrame, precedence: Sequence[str]) -> np.ndarray:
    """A leads x owners matrix of rule specificity (NO_MATCH where the owner's rule does not cover the lead).

    Args:
        places: core.routing.places.lead_places (country, region, postal, segments), one row per lead.
        owners: country / region / postal prefix lists and segment per owner (core.routing.owners columns).
        precedence: `routing.territory_precedence`.

    Returns:
        int64 array of shape (len(places), len(owners)); vectorized per owner, never per (lead, owner).
    """
    n = len(places)
    country = places["country"].to_numpy(dtype=object)
    region = places["region"].to_numpy(dtype=object)
    bare_region = np.array([r.split("-", 1)[-1] if r else None for r in region], dtype=object)
    postal = places["postal"].to_numpy(dtype=object)
    segments = list(places["segments"])
    shifts, bits = {}, 0
    for dim in reversed(precedence):  # the least significant dimension takes the lowest bits
        shifts[dim] = bits
        bits += _POSTAL_BITS if dim == "postal" else 1
    out = np.full((n, len(owners)), NO_MATCH, dtype=np.int64)
    for j, owner in enumerate(owners.itertuples(index=False)):
        score = np.zeros(n, dtype=np.int64)
        ok = np.ones(n, dtype=bool)
        if owner.countries:
            ok &= np.isin(country, list(owner.countries))
            score += 1 << shifts["country"]
        if owner.regions:
            wanted = list(owner.regions)
            ok &= np.isin(region, wanted) | np.isin(bare_region, wanted)
            score += 1 << shifts["region"]
        if owner.postal_prefixes:
            length = _postal_length(postal, owner.postal_prefixes)
            ok &= length > 0
            score += length << shifts["postal"]
        if owner.segment:
            ok &= np.fromiter((owner.segment in s for s in segments), dtype=bool, count=n)
            score += 1 << shifts["segment"]
        out[ok, j] = score[ok]
    return out


def covered_specifically(scores: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Per lead: does one of the `eligible` owners (a bool per owner) cover it by a rule with at least one
    dimension (a catch-all owner covers everything, so it says nothing about territory)?"""
    if scores.shape[1] == 0:
        return np.zeros(scores.shape[0], dtype=bool)
    return ((scores > 0) & eligible[np.newaxis, :]).any(axis=1)
