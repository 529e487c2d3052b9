"""The estimated parameters in words: what `leadgate dedupe --explain-model` and `leadgate identity estimate`
print, so an operator can see what the engine learnt from the data before trusting it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from leadgate_dagster.core.identity.comparisons import COMPARISONS

_WEIGHTLESS = frozenset({"null", "shared"})


def explain_lines(version: str, report: Mapping[str, Any], blocking: Sequence[tuple[str, int, int]] = ()) -> list[str]:
    """Lines describing a model estimate and the blocking behind it.

    Args:
        version: the model version that judged.
        report: estimation.Estimate.report (or the not-estimated stub).
        blocking: (rule, pairs proposed, bound) per blocking rule.

    Returns:
        Plain text lines.
    """
    lines = [f"model {version}"]
    if not report.get("estimated"):
        lines.append(f"  not estimated ({report.get('reason', 'not asked')}): the shipped weights judged")
    else:
        lines.append(f"  estimated from {report['records']} records, {report['candidate_pairs']} candidate pairs; "
                     f"prior match share {report['prior_match_share']:.3g} "
                     f"(~{report['expected_matches']:.0f} matching pairs)")
        lines.append("  field [source]: level m / u -> weight in bits (shipped: the shipped weight)")
        for field, levels in COMPARISONS.items():
            m, u, w = (np.asarray(report[k][field]) for k in ("m", "u", "weights"))
            em = report["source"][field] == "em"
            parts = [f"{lv} {m[i]:.3f}/{u[i]:.4f} -> {w[i]:+.1f}" if em else f"{lv} {w[i]:+.1f}"
                     for i, lv in enumerate(levels) if lv not in _WEIGHTLESS]
            lines.append(f"  {field} [{report['source'][field]}]: " + "; ".join(parts))
        lines.append("  EM per blocking rule (fields it holds equal are not estimated from it):")
        lines += [f"    {r['rule']}: {r['pairs_sampled']} pairs sampled, match share {r['match_share']:.3f}, "
                  f"fixes {', '.join(r['fixes'])}" for r in report["rules"]]
    if blocking:
        lines.append("  blocking rules: pairs proposed / bound")
        lines += [f"    {name}: {pairs} / {bound}" for name, pairs, bound in blocking]
    return lines
