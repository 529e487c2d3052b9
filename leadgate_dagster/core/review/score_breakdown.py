"""A decision's score as a reviewer reads it: each part's points and the inputs that gave them, the priority
with its source, and any reviewer adjustments, from the decision's `score_inputs` document
(`core/score_record.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PARTS = ("reachability", "consent", "fit")  # the pre-score's three parts, in the order they add up


@dataclass(frozen=True, slots=True)
class Input:
    name: str
    value: Any  # as the decision read it (None: an input whose points stand alone)
    points: float | None


@dataclass(frozen=True, slots=True)
class Part:
    name: str
    points: float | None
    inputs: tuple[Input, ...]


@dataclass(frozen=True, slots=True)
class Adjustment:
    points: int
    reason: str | None
    by: str | None


@dataclass(frozen=True, slots=True)
class Breakdown:
    parts: tuple[Part, ...]
    priority: tuple[Input, ...]  # score, source, reason, model, probability
    adjustments: tuple[Adjustment, ...]
    adjusted_from: int | None  # the priority before the adjustments
    engagement: tuple[Input, ...]
    waived: tuple[str, ...]  # codes a reviewer set aside, which this decision left out


def breakdown(score_inputs: dict[str, Any] | None) -> Breakdown:
    doc = score_inputs or {}
    priority = dict(doc.get("priority") or {})
    adjustment = priority.pop("adjustment", None) or {}
    return Breakdown(
        parts=tuple(Part(name, (doc.get(name) or {}).get("points"), _inputs(doc.get(name) or {})) for name in PARTS),
        priority=tuple(Input(k, v, None) for k, v in priority.items()),
        adjustments=tuple(Adjustment(int(a.get("points", 0)), a.get("reason"), a.get("by"))
                          for a in adjustment.get("items", [])),
        adjusted_from=adjustment.get("before"),
        engagement=_inputs(doc.get("engagement") or {}),
        waived=tuple(doc.get("waived") or ()))


def _inputs(part: dict[str, Any]) -> tuple[Input, ...]:
    """`x` and `x_points` as one row; a `y_points` without a `y` as a row of its own."""
    rows = [Input(k, v, part.get(f"{k}_points")) for k, v in part.items()
            if k != "points" and not k.endswith("_points")]
    rows += [Input(k.removesuffix("_points"), None, v) for k, v in part.items()
             if k.endswith("_points") and k.removesuffix("_points") not in part]
    return tuple(rows)
