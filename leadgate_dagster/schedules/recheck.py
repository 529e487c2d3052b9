"""The enrichment recheck, every 5 minutes; a tick with no key due asks for no run (a run costs a process)."""

import dagster as dg

from leadgate_dagster.jobs import recheck_job
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.store import enrichment_retries


@dg.schedule(job=recheck_job, cron_schedule="*/5 * * * *", execution_timezone="UTC",
             default_status=dg.DefaultScheduleStatus.RUNNING)
def recheck_schedule(context: dg.ScheduleEvaluationContext,
                     db: PostgresResource) -> dg.RunRequest | dg.SkipReason:
    """Request a recheck run when enrichment lookups are due again (their backoff has passed)."""
    with db.engine().connect() as conn:
        due = enrichment_retries.due_count(conn)
    if not due:
        return dg.SkipReason("no enrichment retries are due")
    return dg.RunRequest(run_key=None, tags={"leadgate/due_keys": str(due)})
