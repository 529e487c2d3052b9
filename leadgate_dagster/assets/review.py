"""The review queue as an asset: each materialization brings `leadgate.review_items` up to now (the queue job's
sweep) and reports its backlog, ages and SLA adherence; the adherence check warns when the last day's share
of items closed within the SLA drops below `review.sla_adherence_min`."""

from datetime import UTC, datetime

import dagster as dg

from leadgate_dagster.assets.metadata import to_metadata
from leadgate_dagster.assets.partitions import IO_RETRY
from leadgate_dagster.checks.outcomes import to_check_result
from leadgate_dagster.core.review.report import ADHERENCE_CHECK
from leadgate_dagster.gate.review_queue import run_queue
from leadgate_dagster.gate.review_report import queue_report
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.rules import RulesResource


@dg.asset(group_name="review", kinds={"python", "postgres"}, retry_policy=IO_RETRY,
          check_specs=[dg.AssetCheckSpec(ADHERENCE_CHECK, asset="review_queue", description=(
              "share of review items closed within review.sla_hours among those closed in the last day, at "
              "least review.sla_adherence_min (per kind and source in the metadata)"))])
def review_queue(context: dg.AssetExecutionContext, db: PostgresResource, rules: RulesResource) -> dg.MaterializeResult:
    """The review queue (`leadgate.review_items`), one row per item: held leads, identity pairs, merge audits,
    score reviews. A materialization runs the queue's clock (held leads caught up, the weekly merge audit, score
    reviews, fallbacks, expiry, escalation with one alert per kind and source, priorities; idempotent) and
    reports the backlog by kind and source, the open items' age percentiles, the SLA adherence of the last
    day and the merge audit's precision."""
    ruleset = rules.active()
    now = datetime.now(UTC)
    swept = run_queue(db.engine(), ruleset, now)
    report, outcome = queue_report(db.engine(), ruleset, now)
    if swept["escalated"]:
        context.log.warning(f"{swept['escalated']} review item(s) escalated past the SLA")
    metadata = to_metadata({**report, **{f"sweep/{k}": v for k, v in swept.items() if k != "open_items"}},
                           row_count_key="open_items")
    return dg.MaterializeResult(metadata=metadata, check_results=[to_check_result("review_queue", outcome)])
