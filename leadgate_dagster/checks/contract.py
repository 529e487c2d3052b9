"""The qualified_leads data contract (Great Expectations suite, `gate/contract.py`) as a Dagster asset check.

It runs through `contract_job` (requested by `contract_sensor` after batches, and by `contract_schedule`),
never in a batch run (`lead_batch_job` leaves it out): the suite reads the view across batches, and Great
Expectations alone takes seconds to import.
"""

import dagster as dg

from leadgate_dagster.gate.contract import check_contract
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.rules import RulesResource


class ContractConfig(dg.Config):
    window_days: float = 7.0  # rows decided in the last this many days; 0 checks the whole view


DESCRIPTION = ("The RevOps contract of the qualified_leads view (docs/qualified-leads.md): one row per lead, "
               "disposition enum, score 0-100 and the sum of its parts, catalogued reason codes, versions "
               "present, allowed channels consistent with consent and the number. Failures open "
               "`contract_failed` alerts.")
HEADER = "| expectation | result | unexpected | sample leads |\n|---|---|---|---|\n"


@dg.asset_check(asset="qualified_leads", blocking=False, description=DESCRIPTION)
def qualified_leads_contract(config: ContractConfig, db: PostgresResource,
                             rules: RulesResource) -> dg.AssetCheckResult:
    result, alerts = check_contract(db.engine(), rules.active(), window_days=config.window_days or None)
    per_expectation = {o.name: {"success": o.success, "unexpected": o.unexpected} for o in result.outcomes}
    table = "\n".join(f"| {o.name} | {'pass' if o.success else 'FAIL'} | {o.unexpected} | "
                      f"{', '.join(o.lead_ids[:5])} |" for o in result.outcomes)
    failed = [o.name for o in result.failed]
    return dg.AssetCheckResult(
        passed=result.success, severity=dg.AssetCheckSeverity.ERROR,
        description=f"{len(failed)} expectation(s) failed: {', '.join(failed)}" if failed
        else f"all {len(result.outcomes)} expectations hold over {result.rows} rows",
        metadata={
            "rows_checked": result.rows, "window_days": config.window_days,
            "expectations": len(result.outcomes), "expectations_failed": len(failed),
            "per_expectation": dg.MetadataValue.json(per_expectation),
            "results": dg.MetadataValue.md(HEADER + table),
            **alerts,
        })
