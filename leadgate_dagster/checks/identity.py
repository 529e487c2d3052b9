"""The identity graph's checks, returned by the `identity_graph` asset for its batch: the graph's invariants
(blocking: a broken graph must not feed dispositions) and the auto-merge rate per source (warning)."""


import dagster as dg
import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import identity_checks

INTEGRITY = "identity_graph_integrity"
SPIKE = "auto_merge_rate_by_source"
IDENTITY_CHECK_SPECS = [
    dg.AssetCheckSpec(INTEGRITY, asset="identity_graph", blocking=True,
                      description="Every lead of the batch has a surviving person; merged_into has no cycles; "
                                  "every merged person has its merge_log row."),
    dg.AssetCheckSpec(SPIKE, asset="identity_graph", blocking=False,
                      description="Each source's auto-merge share in the batch stays near its trailing share."),
]


def identity_check_results(engine: sa.Engine, batch_id: str, rules: Ruleset) -> list[dg.AssetCheckResult]:
    """Both checks for one batch, evaluated after the stage committed."""
    cfg = rules.identity_graph.auto_merge_spike
    with engine.connect() as conn:
        broken = identity_checks.integrity(conn, batch_id)
        rates = identity_checks.auto_merge_rates(conn, batch_id, cfg.window)
    failing = {k: v for k, v in broken.items() if v}
    integrity = dg.AssetCheckResult(
        asset_key="identity_graph", check_name=INTEGRITY, passed=not failing, severity=dg.AssetCheckSeverity.ERROR,
        description=("broken: " + ", ".join(f"{k} ({len(v)})" for k, v in failing.items())) if failing
        else "graph invariants hold",
        metadata={**{k: len(v) for k, v in broken.items()},
                  "sample_ids": dg.MetadataValue.json({k: v[:10] for k, v in failing.items()})})
    spiking, judged = [], 0
    for r in rates:
        if r["n"] < cfg.min_batch or r["window_n"] < cfg.min_window:
            continue
        judged += 1
        rate, base = r["auto"] / r["n"], r["window_auto"] / r["window_n"]
        if rate > max(base * cfg.factor, base + cfg.min_delta):
            spiking.append(f"{r['source']} {rate:.0%} vs {base:.0%}")
    table = "\n".join(f"| {r['source']} | {r['n']} | {r['auto']} | {r['window_n']} | {r['window_auto']} |"
                      for r in rates)
    spike = dg.AssetCheckResult(
        asset_key="identity_graph", check_name=SPIKE, passed=not spiking, severity=dg.AssetCheckSeverity.WARN,
        description=("auto-merge spike: " + "; ".join(spiking)) if spiking else "no source spiking",
        metadata={"sources_judged": judged, "sources_spiking": len(spiking),
                  "by_source": dg.MetadataValue.md("| source | batch | auto | window | window auto |\n"
                                                   "|---|---|---|---|---|\n" + table)})
    return [integrity, spike]
