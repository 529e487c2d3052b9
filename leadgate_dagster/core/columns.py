"""Column helpers shared by the consent, eligibility, scoring and disposition engines.

These engines read optional columns (a caller may not have wired an input up yet), so every read goes
through here: an absent column is all-missing with the frame's index, never a KeyError.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd


def column(df: pd.DataFrame, name: str) -> pd.Series:
    """`df[name]` as object, or an all-None column when the caller did not provide it."""
    if name in df.columns:
        return df[name].astype(object)
    return pd.Series([None] * len(df), index=df.index, dtype=object)


def text(df: pd.DataFrame, name: str, *, lower: bool = False) -> pd.Series:
    """A stripped text column where blank, NaN and None all read as None.

    Cleaned once per distinct value (factorize + take): lead columns repeat a few values (yes/no, statuses)
    or are short keys, so this is a hash pass over the column, not a Python call per row.
    """
    col = column(df, name)
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    cleaned = []
    for value in uniques:
        t = str(value).strip()
        cleaned.append((t.lower() if lower else t) or None)
    table = np.array([*cleaned, None], dtype=object)  # code -1 (missing) takes the trailing None
    return pd.Series(table[codes], index=df.index, dtype=object)


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
