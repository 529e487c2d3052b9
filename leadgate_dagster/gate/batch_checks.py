"""The checks judged on a batch once a stage has committed: the identity graph's invariants (blocking: a broken
graph must not feed dispositions) and auto-merge rate per source, one current disposition per lead (blocking),
score coverage and the disposition mix (warnings). Declared once here, run by the pipeline (`gate/pipeline.py`)
for the Dagster assets and `leadgate qa` alike."""

from __future__ import annotations

from typing import Any, NamedTuple

import sqlalchemy as sa

from leadgate_dagster.core.check_outcome import CheckDeclaration, CheckOutcome, Markdown
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.score_health import coverage, mix_drift
from leadgate_dagster.store import dispositions, identity_checks

IDENTITY_INTEGRITY = CheckDeclaration(
    "identity_graph_integrity", blocking=True,
    description="Every lead of the batch has a surviving person; merged_into has no cycles; every merged person "
                "has its merge_log row.")
AUTO_MERGE_SPIKE = CheckDeclaration(
    "auto_merge_rate_by_source", blocking=False,
    description="Each source's auto-merge share among its newest leads (identity_graph.auto_merge_spike."
                "recent_leads, across batches) stays near its share before them; not judged with too few leads.")
ONE_DISPOSITION = CheckDeclaration(
    "one_disposition_per_lead", blocking=True,
    description="Every lead of the batch has exactly one current disposition.")
SCORE_COVERAGE = CheckDeclaration(
    "score_coverage", blocking=False,
    description="Every lead of the batch is scored, and enough of them within the score SLA "
                "(alerts.score_coverage_min, score_within_sla_min, score_sla_seconds).")
MIX_DRIFT = CheckDeclaration(
    "disposition_mix_drift", blocking=False,
    description="Each disposition's share among the newest leads (alerts.disposition_drift.recent_leads, across "
                "batches) stays within max_share_delta of its share over the trailing window; not judged with "
                "too few leads.")


class Judgement(NamedTuple):
    """A stage's check outcomes, and figures worth keeping as the stage's own metadata."""

    outcomes: list[CheckOutcome]
    metadata: dict[str, Any]


def _outcome(check: CheckDeclaration, passed: bool, description: str, metadata: dict[str, Any],
             judged: bool = True) -> CheckOutcome:
    return CheckOutcome(check.name, passed and judged, check.blocking, description,
                        {**metadata, "judged": judged}, judged)


def judge_identity(engine: sa.Engine, batch_id: str, rules: Ruleset) -> Judgement:
    cfg = rules.identity_graph.auto_merge_spike
    with engine.connect() as conn:
        broken = identity_checks.integrity(conn, batch_id)
        rates = identity_checks.auto_merge_rates(conn, batch_id, recent_leads=cfg.recent_leads, window=cfg.window)
    failing = {k: v for k, v in broken.items() if v}
    integrity = _outcome(
        IDENTITY_INTEGRITY, not failing,
        ("broken: " + ", ".join(f"{k} ({len(v)})" for k, v in failing.items())) if failing else "graph invariants hold",
        {**{k: len(v) for k, v in broken.items()}, "sample_ids": {k: v[:10] for k, v in failing.items()}})
    spiking, judged = [], 0
    for r in rates:
        if r["n"] < cfg.min_recent or r["window_n"] < cfg.min_window:
            continue
        judged += 1
        rate, base = r["auto"] / r["n"], r["window_auto"] / r["window_n"]
        if rate > max(base * cfg.factor, base + cfg.min_delta):
            spiking.append(f"{r['source']} {rate:.0%} vs {base:.0%}")
    table = "\n".join(f"| {r['source']} | {r['n']} | {r['auto']} | {r['window_n']} | {r['window_auto']} |"
                      for r in rates)
    if spiking:
        description = "auto-merge spike: " + "; ".join(spiking)
    elif judged:
        description = f"no source spiking ({judged} of {len(rates)} judged)"
    else:
        description = (f"not judged: no source of the batch has {cfg.min_recent} recent leads and "
                       f"{cfg.min_window} before them")
    spike = _outcome(
        AUTO_MERGE_SPIKE, not spiking, description,
        {"sources_judged": judged, "sources_spiking": len(spiking),
         "by_source": Markdown("| source | recent | auto | before | before auto |\n|---|---|---|---|---|\n" + table)},
        judged=bool(judged))
    return Judgement([integrity, spike], {})


def _shares_md(shares: dict[str, dict[str, float]]) -> Markdown:
    rows = "\n".join(f"| {k} | {v['recent']:.1%} | {v['window']:.1%} |" for k, v in shares.items())
    return Markdown("| disposition | recent | trailing |\n|---|---|---|\n" + rows if shares else "_none_")


def judge_qualified(engine: sa.Engine, batch_id: str, rules: Ruleset) -> Judgement:
    """One disposition per lead, then the scoring checks, with the score latency and coverage figures."""
    with engine.connect() as conn:
        bad = dispositions.without_exactly_one(conn, batch_id)
    one = _outcome(ONE_DISPOSITION, not bad, f"{len(bad)} leads without exactly one current disposition",
                   {"failing_leads": len(bad), "sample_lead_ids": bad[:10]})
    cover, drift = coverage(engine, batch_id, rules), mix_drift(engine, batch_id, rules)
    t = cover.details
    figures: dict[str, Any] = {f"score_latency_{k}": float(t[k]) for k in ("p50_s", "p95_s", "max_s")
                               if t[k] is not None}
    figures["score_coverage"] = float(t["score_coverage"])
    figures["scored_within_sla"] = float(t["scored_within_sla"])
    outcomes = [
        one,
        _outcome(SCORE_COVERAGE, cover.passed, cover.description,
                 {k: t[k] for k in ("leads", "scored", "within_sla", "sla_seconds", "score_coverage")}),
        _outcome(MIX_DRIFT, drift.passed, drift.description,
                 {"recent_leads": drift.details["recent_leads"], "window_leads": drift.details["window_leads"],
                  "shares": _shares_md(drift.details["shares"])}, judged=drift.judged),
    ]
    return Judgement(outcomes, figures)
