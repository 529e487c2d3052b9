"""`score_inputs`: one JSON-safe document per lead with every part of its score and what produced it.

It is what an auditor reads ("why 62?"), so it names the ruleset and model versions, each part's points and
inputs, the engagement and the priority, and never holds NaN or numpy types (Postgres JSONB rejects NaN).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _plain(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """Columns as lists of plain Python values: NaN/NaT -> None, timestamps -> ISO 8601 strings."""
    out: dict[str, list[Any]] = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            iso = col.dt.strftime("%Y-%m-%dT%H:%M:%S%z").astype(object)
            out[str(name)] = iso.where(col.notna(), None).tolist()
        elif pd.api.types.is_float_dtype(col):
            out[str(name)] = col.round(4).astype(object).where(col.notna(), None).tolist()
        elif col.dtype == object:
            values = col.where(col.notna(), None).tolist()
            out[str(name)] = [v.item() if isinstance(v, np.generic) else v for v in values]
        else:
            out[str(name)] = col.tolist()  # ints and bools: tolist() gives Python scalars
    return out


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values (JSON-safe: no NaN, no numpy scalars, ISO 8601 times)."""
    columns = _plain(frame)
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)] if names else \
        [{} for _ in range(len(frame))]


def score_documents(parts: dict[str, pd.DataFrame], header: dict[str, Any], n: int) -> list[dict[str, Any]]:
    """Per lead: `header` (versions, as-of) plus one sub-document per part, in the order given."""
    per_part = {name: records(frame) for name, frame in parts.items()}
    names = list(per_part)
    return [{**header, **dict(zip(names, docs, strict=True))}
            for docs in zip(*per_part.values(), strict=True)] if names else [dict(header) for _ in range(n)]
