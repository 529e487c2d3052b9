"""The top reasons a stage reports: info-severity codes are left out, since they sit on almost every lead
under the defaults (offline DNS, neutral score fallbacks) and would push out the reasons a person acts on."""

from __future__ import annotations

from collections import Counter

from leadgate_dagster.core.reasons import CATALOGUE, Severity
from leadgate_dagster.core.ruleset import Ruleset


def top_reasons(codes: Counter[str], rules: Ruleset, n: int = 5) -> dict[str, int]:
    """The `n` most frequent codes that are not info under `rules` (a code outside the catalogue counts)."""
    shown = Counter({c: k for c, k in codes.items()
                     if c not in CATALOGUE or rules.severity(c) is not Severity.INFO})
    return dict(shown.most_common(n))
