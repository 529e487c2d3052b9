"""The recheck, every 5 minutes; a tick with nothing due asks for no run (a run costs a process): neither an
enrichment lookup whose backoff has passed nor a held lead due for its `review.recheck.interval_hours` look."""

from datetime import UTC, datetime

import dagster as dg

from leadgate_dagster.core.review.clock import ReviewClock
from leadgate_dagster.jobs import recheck_job
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.rules import RulesResource
from leadgate_dagster.store import enrichment_retries, review_sweep


@dg.schedule(job=recheck_job, cron_schedule="*/5 * * * *", execution_timezone="UTC",
             default_status=dg.DefaultScheduleStatus.RUNNING)
def recheck_schedule(context: dg.ScheduleEvaluationContext, db: PostgresResource,
                     rules: RulesResource) -> dg.RunRequest | dg.SkipReason:
    """Request a recheck run when enrichment lookups or held leads are due again."""
    ruleset = rules.active()
    with db.engine().connect() as conn:
        due = enrichment_retries.due_count(conn)
        held = review_sweep.recheck_due_count(conn, codes=sorted(ruleset.review.recheck.codes),
                                              interval=ReviewClock.from_rules(ruleset).recheck,
                                              now=datetime.now(UTC))
    if not due and not held:
        return dg.SkipReason("no enrichment retries and no held leads are due")
    return dg.RunRequest(run_key=None, tags={"leadgate/due_keys": str(due), "leadgate/due_held": str(held)})
