"""How a batch's scoring went, judged against the ruleset: latency and coverage (the scoring spec's "score
latency, scoring coverage %" KPIs and its 60-180 s SLA) and the drift of the disposition mix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import score_metrics


@dataclass(frozen=True, slots=True)
class Verdict:
    passed: bool
    description: str
    details: dict[str, Any]
    # False: too little data to judge; never reported as passed
    judged: bool = True


def coverage(engine: sa.Engine, batch_id: str, rules: Ruleset) -> Verdict:
    """Share of the batch's leads with a disposition and share scored within the SLA, against the minimums."""
    cfg = rules.alerts
    sla = cfg.score_sla_seconds
    with engine.connect() as conn:
        t = score_metrics.batch_timing(conn, batch_id, sla_seconds=sla)
    n = max(t["leads"], 1)
    share, on_time = t["scored"] / n, t["within_sla"] / n
    low_cover, late = share < cfg.score_coverage_min, on_time < cfg.score_within_sla_min
    problems = []
    if low_cover:
        problems.append(f"{t['leads'] - t['scored']} of {t['leads']} leads without a disposition")
    if late:
        problems.append(f"{on_time:.0%} scored within {sla:.0f} s (minimum {cfg.score_within_sla_min:.0%})")
    details = {**t, "score_coverage": round(share, 4), "scored_within_sla": round(on_time, 4), "sla_seconds": sla}
    return Verdict(not problems, "; ".join(problems) or f"{share:.0%} scored, {on_time:.0%} within {sla:.0f} s",
                   details)


def mix_drift(engine: sa.Engine, batch_id: str, rules: Ruleset) -> Verdict:
    """The largest gap between a disposition's share among the newest leads (up to the batch, across batches) and
    over the trailing window, judged only when both have their minimum sample."""
    cfg = rules.alerts.disposition_drift
    with engine.connect() as conn:
        recent, window = score_metrics.disposition_mix(conn, batch_id, recent_leads=cfg.recent_leads,
                                                       window_days=cfg.window_days)
    nr, nw = sum(recent.values()), sum(window.values())
    kinds = sorted(set(recent) | set(window))
    shares = {k: (recent.get(k, 0) / max(nr, 1), window.get(k, 0) / max(nw, 1)) for k in kinds}
    details = {"recent_leads": nr, "window_leads": nw, "window_days": cfg.window_days,
               "shares": {k: {"recent": round(r, 4), "window": round(w, 4)} for k, (r, w) in shares.items()}}
    if nr < cfg.min_recent or nw < cfg.min_window:
        return Verdict(False, f"not judged: {nr} recent leads (min {cfg.min_recent}), {nw} in the trailing "
                              f"{cfg.window_days} days before them (min {cfg.min_window})", details, judged=False)
    limit = cfg.max_share_delta
    drifting = {k: r - w for k, (r, w) in shares.items() if abs(r - w) > limit}
    details["max_delta"] = round(max((abs(r - w) for r, w in shares.values()), default=0.0), 4)
    if drifting:
        return Verdict(False, "disposition mix drift: " + ", ".join(
            f"{k} {shares[k][0]:.0%} vs {shares[k][1]:.0%}" for k in sorted(drifting)), details)
    return Verdict(True, f"every disposition's share within {limit:.0%} of the trailing window", details)
