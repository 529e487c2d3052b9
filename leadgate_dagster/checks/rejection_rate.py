"""The QA-gate spec's junk-spike rule: the reject share among each source's last N leads."""


import dagster as dg

from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.rules import RulesResource
from leadgate_dagster.store.metrics import rejection_rate_by_source


@dg.asset_check(asset="qualified_leads", blocking=False,
                description="Reject share among each source's last N leads stays under the ruleset threshold "
                            "(sources with fewer than the minimum sample are not judged).")
def rejection_rate_by_source_check(db: PostgresResource, rules: RulesResource) -> dg.AssetCheckResult:
    cfg = rules.active().alerts
    with db.engine().connect() as conn:
        rates = rejection_rate_by_source(conn, window=cfg.rejection_rate_window)
    judged = [r for r in rates if r["n"] >= cfg.rejection_rate_min_sample]
    spiking = [r for r in judged if r["rate"] > cfg.rejection_rate_threshold]
    table = "\n".join(f"| {r['source']} | {r['n']} | {r['rejected']} | {r['rate']:.1%} |" for r in rates)
    if spiking:
        description = (f"{len(spiking)} source(s) above {cfg.rejection_rate_threshold:.0%} rejected: "
                       + ", ".join(str(r["source"]) for r in spiking))
    elif judged:
        description = f"no source above threshold ({len(judged)} of {len(rates)} judged)"
    else:  # a check that judged nothing must not look green
        description = f"not judged: no source has {cfg.rejection_rate_min_sample} leads yet"
    return dg.AssetCheckResult(
        passed=bool(judged) and not spiking, severity=dg.AssetCheckSeverity.WARN, description=description,
        metadata={"judged": bool(judged), "sources_judged": len(judged), "sources_spiking": len(spiking),
                  "by_source": dg.MetadataValue.md("| source | n | rejected | rate |\n|---|---|---|---|\n" + table)},
    )
