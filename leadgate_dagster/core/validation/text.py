"""Cleaning raw field values and mapping functions over the distinct values of a column.

Hostile files give anything: numbers read as floats, lists from JSON, megabyte strings, bidi marks and lone
surrogates. Every value is turned into a clean string (or None) and cut at the ruleset's bound before any
parser sees it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from leadgate_dagster.core.columns import LOOP_MAX_ROWS, is_missing

T = TypeVar("T")

# C0/C1 controls, zero-width space, bidi marks and embeddings, BOM, lone surrogates. ZWNJ/ZWJ (U+200C/D) stay:
# Persian and Indic names use them.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
                        "\u2066-\u2069\ufeff\ud800-\udfff]")
_SPACES = re.compile(r"\s+")


def to_text(value: object) -> str | None:
    """A raw cell as text: None/NaN/empty -> None; 4155550123.0 (a phone read as a float) -> "4155550123"."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = str(value)
    elif isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        text = str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    else:
        text = str(value)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    return text or None


def clean(value: object, limit: int) -> tuple[str | None, bool]:
    """(cleaned text cut at `limit` characters, whether it was cut)."""
    if isinstance(value, str) and len(value) > 4 * limit + 64:
        # cut before the regexes too, so a 1 MB cell costs no more than a long one
        value = value[: 4 * limit + 64]
        text = to_text(value)
        if text is None:
            return None, False
        return text[:limit], True
    text = to_text(value)
    if text is None or len(text) <= limit:
        return text, False
    return text[:limit], True


def map_unique(values: Sequence[object], fn: Callable[[object], T]) -> list[T]:
    """`fn` applied once per distinct value, mapped back in order (unhashable values each time)."""
    cache: dict[Hashable, T] = {}
    out: list[T] = []
    append = out.append
    for v in values:
        try:
            append(cache[v])  # type: ignore[index]
        except KeyError:
            r = cache[v] = fn(v)  # type: ignore[index]
            append(r)
        except TypeError:  # a list or dict cell from a JSON record
            append(fn(v))
    return out


def map_column(values: list[object], fn: Callable[[object], T]) -> list[T]:
    """Like map_unique, with the distinct values found by pandas (C hashing) for plain columns."""
    import pandas as pd

    if len(values) <= LOOP_MAX_ROWS:
        return map_unique([None if is_missing(v) else v for v in values], fn)
    try:
        codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    except TypeError:  # unhashable cells
        return map_unique(values, fn)
    results = [fn(u) for u in uniques]
    if (codes < 0).any():
        results.append(fn(None))  # code -1 (None/NaN) indexes the last element
    return [results[c] for c in codes.tolist()]
