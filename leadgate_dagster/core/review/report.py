"""The review queue's health as figures: backlog and ages per kind and source, SLA adherence (the share of
items closed within the SLA among those closed in the last day) and the merge audit's precision, plus the
adherence check's outcome."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from leadgate_dagster.core.check_outcome import CheckOutcome

ADHERENCE_CHECK = "review_sla_adherence"
WRONG_MERGE = ("split", "unmerge")


def per_group(frame: pd.DataFrame, figures: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Rows keyed "<kind>/<source>", each with its figures (floats rounded to 0.01)."""
    return {f"{r['kind']}/{r['source']}": {f: _plain(r[f]) for f in figures} for r in frame.to_dict("records")}


def adherence(closed: pd.DataFrame) -> tuple[float | None, dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(overall share within the SLA or None when nothing closed, per kind/source, per kind)."""
    if closed.empty:
        return None, {}, {}
    rows = closed.assign(adherence=(closed["within_sla"] / closed["closed"]).round(4))
    kinds = closed.groupby("kind", as_index=False)[["closed", "within_sla"]].sum()
    kinds["adherence"] = (kinds["within_sla"] / kinds["closed"]).round(4)
    overall = round(float(closed["within_sla"].sum() / closed["closed"].sum()), 4)
    by_kind = {str(r["kind"]): {f: _plain(r[f]) for f in ("closed", "within_sla", "adherence")}
               for r in kinds.to_dict("records")}
    return overall, per_group(rows, ("closed", "within_sla", "adherence")), by_kind


def adherence_outcome(closed: pd.DataFrame, *, minimum: float, sla_hours: float) -> CheckOutcome:
    """Fails when the share of items closed within `sla_hours` among those closed in the last day is below
    `minimum`; not judged (never passed) when none was closed."""
    overall, groups, _ = adherence(closed)
    n = int(closed["closed"].sum()) if len(closed) else 0
    meta: dict[str, Any] = {"closed_1d": n, "minimum": minimum, "sla_hours": sla_hours, "judged": n > 0}
    if overall is None:
        return CheckOutcome(ADHERENCE_CHECK, passed=False, blocking=False, judged=False, metadata=meta,
                            description="not judged: no review item was closed in the last day")
    worst = sorted(groups.items(), key=lambda kv: kv[1]["adherence"])[:5]
    meta.update({"adherence": overall, "worst": {k: v["adherence"] for k, v in worst}})
    passed = overall >= minimum
    return CheckOutcome(ADHERENCE_CHECK, passed=passed, blocking=False, metadata=meta, description=(
        f"{overall:.1%} of {n} review items closed in the last day were closed within {sla_hours:g} h "
        f"({'at or above' if passed else 'below'} the {minimum:.0%} minimum)"))


def audit_precision(verdicts: Mapping[str, int]) -> float | None:
    """Automatic-merge precision as the reviewers judged the audited sample (None before any verdict)."""
    right, wrong = verdicts.get("verify", 0), sum(verdicts.get(w, 0) for w in WRONG_MERGE)
    return round(right / (right + wrong), 4) if right + wrong else None


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 2)
    return value.item() if hasattr(value, "item") else value
