"""The comparison vocabulary (`COMPARISONS`: field -> levels) and the coded helpers that pick a level per pair.

Levels are computed on key codes (key_codes.py): a function runs once per distinct pair of values and its
answer is spread back to every pair that has them. Dates of birth and streets get their levels here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from leadgate_dagster.core.identity.key_codes import KeyTable
from leadgate_dagster.core.identity.places import dob_level, street_similar
from leadgate_dagster.core.identity.settings import IdentitySettings

COMPARISONS: dict[str, tuple[str, ...]] = {
    "first_name": ("null", "exact", "nickname", "jw92", "jw80", "different"),
    "last_name": ("null", "exact", "jw92", "jw80", "different"),
    "email": ("null", "exact", "shared", "other_mailbox", "different"),
    "phone": ("null", "exact", "shared", "different"),
    "domain": ("null", "same", "different"),
    "company": ("null", "exact", "similar", "different"),
    "locality": ("null", "postal", "city", "region", "different"),
    "device": ("null", "exact", "shared", "different"),
    "date_of_birth": ("null", "exact", "transposed", "typo", "within_days", "year_only", "different"),
    "street": ("null", "exact", "similar", "shared", "different"),
    "job_title": ("null", "exact", "different"),
}
"""Field -> levels. Level 0 ("null": a side is missing) and "shared" levels carry no weight."""


def pick_level(choices: list[tuple[np.ndarray, str]], field: str, n: int) -> np.ndarray:
    """First matching level per pair, in priority order; "null" when none matches."""
    names = COMPARISONS[field]
    return (
        np.select([c for c, _ in choices], [names.index(lv) for _, lv in choices], 0).astype(np.int8)
        if choices
        else np.zeros(n, np.int8)
    )


def on_codes(
    a: np.ndarray,
    b: np.ndarray,
    values_a: np.ndarray,
    values_b: np.ndarray,
    fn: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> np.ndarray:
    """fn over the distinct (a, b) value pairs, spread back to all pairs; NaN where a side is missing."""
    out = np.full(len(a), np.nan)
    valid = (a >= 0) & (b >= 0)
    if valid.any():
        base = np.int64(len(values_b) + 1)
        inverse, distinct = pd.factorize(a[valid].astype(np.int64) * base + b[valid])
        found = fn(values_a[distinct // base], values_b[distinct % base])
        out[valid] = np.asarray(found, dtype=float)[inverse]
    return out


def freq_at(freq: np.ndarray, codes: np.ndarray, where: np.ndarray) -> np.ndarray:
    """The value's frequency where the pair agrees exactly on it, NaN elsewhere."""
    out = np.full(len(codes), np.nan)
    out[where] = freq[codes[where]]
    return out


def dob_levels(table: KeyTable, L: dict[str, np.ndarray], R: dict[str, np.ndarray],
                settings: IdentitySettings) -> np.ndarray:
    """date_of_birth level per pair, worked out once per distinct pair of dates."""
    names = COMPARISONS["date_of_birth"]
    values = table.uniques["dob"]
    found = on_codes(L["dob"], R["dob"], values, values, lambda x, y: np.fromiter(
        (names.index(dob_level(a, b, settings.dob_within_days)) for a, b in zip(x, y, strict=True)), float, len(x)))
    return np.nan_to_num(found, nan=0).astype(np.int8)


def street_levels(table: KeyTable, L: dict[str, np.ndarray], R: dict[str, np.ndarray],
                   shared_l: dict[str, np.ndarray], contested_l: dict[str, np.ndarray],
                   settings: IdentitySettings) -> tuple[np.ndarray, np.ndarray]:
    """(street level per pair, whether an exact street match is only through a contested address)."""
    values = table.uniques["street"]
    similar = on_codes(L["street"], R["street"], values, values, lambda x, y: np.fromiter(
        (street_similar(a, b, settings.street_similar) for a, b in zip(x, y, strict=True)), bool, len(x))) == 1
    both = (L["street"] >= 0) & (R["street"] >= 0)
    exact = both & (L["street"] == R["street"])
    same_address = (L["address"] >= 0) & (L["address"] == R["address"])
    shared = same_address & shared_l["address"]
    level = pick_level([(shared, "shared"), (exact, "exact"), (similar, "similar"), (both, "different")], "street",
                   len(exact))
    return level, exact & same_address & contested_l["address"]
