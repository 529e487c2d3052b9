"""Reason codes of a batch as (code, boolean mask) pairs, turned into per-lead lists once at the end.

The engines decide with column expressions, so a finding is naturally "this code, for these rows". Keeping
masks until the end lets the disposition ask "any reject-severity code?" with numpy instead of walking lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from leadgate_dagster.core.reasons import CATALOGUE, Severity


class Findings:
    """An append-only set of (code, mask) pairs over one batch's rows (positions, not labels)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._hits: list[tuple[str, np.ndarray]] = []

    def add(self, code: str, mask: pd.Series | np.ndarray) -> None:
        """Record `code` for the rows where `mask` is true; an uncatalogued code is a programming error."""
        if code not in CATALOGUE:
            raise KeyError(f"reason code {code!r} is not in the catalogue")
        values = np.asarray(mask, dtype=bool)
        if values.shape != (self.n,):
            raise ValueError(f"mask for {code} has shape {values.shape}, expected ({self.n},)")
        if values.any():
            self._hits.append((code, values))

    def extend(self, other: Findings) -> None:
        """Take over another engine's findings for the same batch (same rows, same order)."""
        if other.n != self.n:
            raise ValueError("findings of different batches")
        self._hits.extend(other._hits)

    def waive(self, waived: pd.Series) -> None:
        """Drop, row by row, the codes set aside for that row (a reviewer's or a fallback's waiver): a waived
        code no longer decides the row nor appears in its reason codes."""
        by_code: dict[str, np.ndarray] = {}
        for i, codes in enumerate(waived):
            for code in codes:
                by_code.setdefault(code, np.zeros(self.n, dtype=bool))[i] = True
        self._hits = [(code, mask & ~by_code[code]) if code in by_code else (code, mask) for code, mask in self._hits]

    def codes(self) -> set[str]:
        """Every code recorded for at least one row."""
        return {code for code, _ in self._hits}

    def has(self, code: str) -> np.ndarray:
        """Rows where `code` was recorded."""
        out = np.zeros(self.n, dtype=bool)
        for c, mask in self._hits:
            if c == code:
                out |= mask
        return out

    def where(self, predicate: Callable[[str], bool]) -> np.ndarray:
        """Rows with at least one recorded code for which `predicate(code)` holds."""
        out = np.zeros(self.n, dtype=bool)
        for code, mask in self._hits:
            if predicate(code):
                out |= mask
        return out

    def as_lists(self, before: Iterable[list[str]] | None = None) -> list[list[str]]:
        """Per row: the codes of `before` (in their order), then recorded codes in recording order, each once."""
        out: list[list[str]] = [list(b) for b in before] if before is not None else [[] for _ in range(self.n)]
        for code, mask in self._hits:
            for i in np.flatnonzero(mask):
                out[i].append(code)
        return [list(dict.fromkeys(codes)) if len(codes) > 1 else codes for codes in out]


def severity_masks(lists: pd.Series, severity: Callable[[str], Severity]) -> dict[Severity, np.ndarray]:
    """Per severity, the rows whose code lists hold a code of that severity (one lookup per distinct code).

    Codes outside the catalogue read as QUARANTINE: an unknown finding is held for a person to look at
    rather than routed or rejected on a guess.
    """
    exploded = lists.reset_index(drop=True).explode().dropna()
    lookup = {c: (severity(c) if c in CATALOGUE else Severity.QUARANTINE) for c in pd.unique(exploded)}
    sev = exploded.map(lookup)
    out = {}
    for level in Severity:
        rows = sev.index[(sev == level).to_numpy()].unique()
        mask = np.zeros(len(lists), dtype=bool)
        mask[rows.to_numpy(dtype=int)] = True
        out[level] = mask
    return out
