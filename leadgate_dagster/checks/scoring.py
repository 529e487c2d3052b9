"""The qualification's scoring checks, returned by the `qualified_leads` asset for its batch, and the score
latency and coverage metadata.

`score_coverage` warns rather than blocks: the invariant it shares with `one_disposition_per_lead` (every lead
has a disposition) already blocks there, so what it adds is a rate against the SLA (a backlog that made leads
wait past 180 s), which is an operational warning, not a reason to fail the batch that did score them.
`disposition_mix_drift` warns: a shift in the mix is a question for a human (a partner's traffic changed, a
ruleset went live), not proof of a broken batch.
"""


import dagster as dg
import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.score_health import coverage, mix_drift

COVERAGE = "score_coverage"
DRIFT = "disposition_mix_drift"
SCORING_CHECK_SPECS = [
    dg.AssetCheckSpec(COVERAGE, asset="qualified_leads", blocking=False,
                      description="Every lead of the batch is scored, and enough of them within the score SLA "
                                  "(alerts.score_coverage_min, score_within_sla_min, score_sla_seconds)."),
    dg.AssetCheckSpec(DRIFT, asset="qualified_leads", blocking=False,
                      description="Each disposition's share in the batch stays within alerts.disposition_drift"
                                  ".max_share_delta of its share over the trailing window (minimum samples apply)."),
]


def _shares_md(shares: dict[str, dict[str, float]]) -> str:
    rows = "\n".join(f"| {k} | {v['batch']:.1%} | {v['window']:.1%} |" for k, v in shares.items())
    return "| disposition | batch | trailing |\n|---|---|---|\n" + rows if shares else "_none_"


def scoring_check_results(engine: sa.Engine, batch_id: str,
                          rules: Ruleset) -> tuple[dict[str, dg.MetadataValue], list[dg.AssetCheckResult]]:
    """(latency and coverage metadata for `qualified_leads`, both check results) for one batch."""
    cover, drift = coverage(engine, batch_id, rules), mix_drift(engine, batch_id, rules)
    t = cover.details
    metadata = {f"score_latency_{k}": dg.MetadataValue.float(float(t[k])) for k in ("p50_s", "p95_s", "max_s")
                if t[k] is not None}
    metadata["score_coverage"] = dg.MetadataValue.float(float(t["score_coverage"]))
    metadata["scored_within_sla"] = dg.MetadataValue.float(float(t["scored_within_sla"]))
    checks = [
        dg.AssetCheckResult(asset_key="qualified_leads", check_name=COVERAGE, passed=cover.passed,
                            severity=dg.AssetCheckSeverity.WARN, description=cover.description,
                            metadata={"leads": t["leads"], "scored": t["scored"], "within_sla": t["within_sla"],
                                      "sla_seconds": t["sla_seconds"], "score_coverage": t["score_coverage"]}),
        dg.AssetCheckResult(asset_key="qualified_leads", check_name=DRIFT, passed=drift.passed,
                            severity=dg.AssetCheckSeverity.WARN, description=drift.description,
                            metadata={"batch_leads": drift.details["batch_leads"],
                                      "window_leads": drift.details["window_leads"],
                                      "shares": dg.MetadataValue.md(_shares_md(drift.details["shares"]))}),
    ]
    return metadata, checks
