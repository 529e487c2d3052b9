"""Column helpers shared by the consent, eligibility, scoring and disposition engines.

These engines read optional columns (a caller may not have wired an input up yet), so every read goes
through here: an absent column is all-missing with the frame's index, never a KeyError.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

LOOP_MAX_ROWS = 16  # up to this many rows (a form's leads), a Python loop beats factorize's fixed cost


def column(df: pd.DataFrame, name: str) -> pd.Series:
    """`df[name]` as object, or an all-None column when the caller did not provide it."""
    if name in df.columns:
        return df[name].astype(object)
    return pd.Series([None] * len(df), index=df.index, dtype=object)


def text(df: pd.DataFrame, name: str, *, lower: bool = False) -> pd.Series:
    """A stripped text column where blank, NaN and None all read as None."""
    return pd.Series(text_values(df, name, lower=lower), index=df.index, dtype=object)


def text_values(df: pd.DataFrame, name: str, *, lower: bool = False) -> np.ndarray:
    """`text` as an object array in row order, for engines that compute on numpy arrays.

    A batch is cleaned once per distinct value (factorize + take): lead columns repeat a few values (yes/no,
    statuses) or are short keys, so this is a hash pass over the column, not a Python call per row. A few
    rows (the intake API's inline verdict) are cleaned one by one: factorize's fixed cost is larger.
    """
    if name not in df.columns:
        return np.full(len(df), None, dtype=object)
    values = df[name].to_numpy(dtype=object)
    if len(values) <= LOOP_MAX_ROWS:
        out = np.empty(len(values), dtype=object)
        out[:] = [None if is_missing(v) else _clean(v, lower) for v in values]
        return out
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([*(_clean(v, lower) for v in uniques), None], dtype=object)  # code -1 takes the None
    return table[codes]


def is_missing(value: Any) -> bool:
    """What pandas counts as missing (None, NaN, NaT, NA), for one value."""
    if value is None or isinstance(value, str):
        return value is None
    found = pd.isna(value)  # an array for a list-like value: present
    return isinstance(found, (bool, np.bool_)) and bool(found)


def _clean(value: Any, lower: bool) -> str | None:
    t = str(value).strip()
    return (t.lower() if lower else t) or None


def member(values: np.ndarray, allowed: Collection[str]) -> np.ndarray:
    """`values.isin(allowed)` on an object array (text_values), without a Series' fixed cost."""
    wanted = allowed if isinstance(allowed, (set, frozenset)) else frozenset(allowed)
    return np.fromiter((v in wanted for v in values), dtype=bool, count=len(values))


def list_values(df: pd.DataFrame, name: str) -> list[Any]:
    """`list_column` as a plain list: lists and tuples as given, anything else as ()."""
    if name not in df.columns:
        return [()] * len(df)
    return [v if isinstance(v, (list, tuple, np.ndarray)) else () for v in df[name].tolist()]


def flag(df: pd.DataFrame, name: str, yes: Iterable[str]) -> pd.Series:
    """A boolean column: True only where the value is one of `yes` (case-insensitive); bools pass through."""
    words = text(df, name, lower=True).isin(frozenset(yes))
    return (column(df, name).isin([True]) | words).astype(bool)


def list_column(df: pd.DataFrame, name: str) -> pd.Series:
    """A column of lists (reason codes, flags): anything that is not a list or tuple reads as []."""
    return column(df, name).map(lambda v: list(v) if isinstance(v, (list, tuple, np.ndarray)) else [])


def parse_times(values: pd.Series) -> pd.Series:
    """Timestamps as UTC (naive ones read as UTC); unparseable values are NaT.

    ISO 8601 (what APIs and the store give) is parsed in one vectorized pass; only what that misses is
    parsed per distinct value with the slower mixed-format parser (spreadsheet dates such as 03/04/2026).
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return _utc(values)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    present = values[values.notna()]
    if present.empty:
        return out
    fast = pd.to_datetime(present, utc=True, errors="coerce", format="ISO8601")
    out.loc[present.index] = fast
    missed = present[fast.isna().to_numpy()].astype(str).str.strip()
    missed = missed[missed != ""]
    if not missed.empty:
        uniques = pd.unique(missed)
        parsed = pd.to_datetime(pd.Series(uniques), utc=True, errors="coerce", format="mixed")
        by_text = pd.Series(parsed.array, index=uniques).astype("datetime64[ns, UTC]")
        out.loc[missed.index] = missed.map(by_text)
    return out


def _utc(values: pd.Series) -> pd.Series:
    as_ns = values.astype("datetime64[ns, UTC]") if getattr(values.dt, "tz", None) else values.dt.tz_localize("UTC")
    return as_ns.astype("datetime64[ns, UTC]")


def as_utc(value: Any) -> pd.Timestamp:
    """One instant as a UTC timestamp; None means now."""
    ts = pd.Timestamp.now(tz="UTC") if value is None else pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def lead_keys(df: pd.DataFrame) -> pd.Series:
    """The key that joins side tables (events, partner counts) to leads: `lead_id` when given, else the index."""
    if "lead_id" in df.columns:
        return df["lead_id"].astype(str)
    return pd.Series(df.index.astype(str), index=df.index)


def points(values: pd.Series, table: Mapping[str, Any], default: float = 0) -> pd.Series:
    """Map category values to integer points; values outside the table (and None) get `default`."""
    lookup = {str(k): int(v) for k, v in table.items()}
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    per_code = np.array([*(lookup.get(str(u), default) for u in uniques), default], dtype=int)
    return pd.Series(per_code[codes], index=values.index, dtype=int)
