"""The CRM outbox as an asset: each materialization drains it once (every due person's latest state to the CRM
or its webhook) and reports the outbox's depth and age; the age check warns when the oldest due row has waited
longer than `crm.max_pending_age_s`."""

from datetime import UTC, datetime

import dagster as dg

from leadgate_dagster.assets.metadata import to_metadata
from leadgate_dagster.checks.outcomes import to_check_result
from leadgate_dagster.gate.crm_report import AGE_CHECK, outbox_report
from leadgate_dagster.gate.crm_sync import sync_outbox
from leadgate_dagster.resources.crm import CrmResource
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.rules import RulesResource


@dg.asset(group_name="crm", kinds={"python", "postgres"}, deps=[dg.AssetKey("qualified_leads")],
          check_specs=[dg.AssetCheckSpec(AGE_CHECK, asset="crm_outbox", description=(
              "the oldest due row of the CRM outbox has waited at most crm.max_pending_age_s"))])
def crm_outbox(context: dg.AssetExecutionContext, db: PostgresResource, rules: RulesResource,
               crm: CrmResource) -> dg.MaterializeResult:
    """The CRM outbox (`leadgate.crm_outbox`), one row per change that matters to the CRM. A materialization
    delivers each due person's latest state once (batch upserts within the CRM's rate limit; failures wait for
    the next drain, then become handoff_exception review items) and reports what it sent, the outbox's depth
    and the age of its oldest due row. Idempotent: a re-run sends nothing already delivered."""
    ruleset = rules.active()
    destinations = crm.destinations(ruleset)
    try:
        drained = sync_outbox(db.engine(), ruleset, destinations)
    finally:
        destinations.close()
    if destinations.missing:
        context.log.info("not configured, their rows wait: " + ", ".join(destinations.missing))
    report, outcome = outbox_report(db.engine(), ruleset, datetime.now(UTC))
    metadata = to_metadata({**report, **{f"drain/{k}": v for k, v in drained.items()},
                            "destinations_missing": ", ".join(destinations.missing)}, row_count_key="pending_rows")
    return dg.MaterializeResult(metadata=metadata, check_results=[to_check_result("crm_outbox", outcome)])
