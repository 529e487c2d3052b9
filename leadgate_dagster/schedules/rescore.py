"""Re-score every 15 minutes: leads with new behaviour events, and leads whose events crossed a decay boundary
(`rescore_job`; its watermark is explained in `jobs.py`)."""

from datetime import UTC, datetime

import dagster as dg

from leadgate_dagster.gate.rescore import due_leads
from leadgate_dagster.jobs import UNTIL_TAG, RescoreConfig, last_watermark, rescore_job
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.rules import RulesResource


@dg.schedule(job=rescore_job, cron_schedule="*/15 * * * *", execution_timezone="UTC",
             default_status=dg.DefaultScheduleStatus.RUNNING)
def rescore_schedule(context: dg.ScheduleEvaluationContext, db: PostgresResource,
                     rules: RulesResource) -> dg.RunRequest | dg.SkipReason:
    """Request a re-score run for the window up to this tick when it touched any lead (a run costs a process;
    a skipped tick leaves the watermark where it was, so the next window still starts there)."""
    until = (context.scheduled_execution_time or datetime.now(UTC)).astimezone(UTC)
    due = due_leads(db.engine(), rules.active(), since=last_watermark(context.instance), until=until)
    if not due:
        return dg.SkipReason(f"no lead has new events or crossed a decay boundary up to {until.isoformat()}")
    tags = {UNTIL_TAG: until.isoformat(), "leadgate/due_leads": str(len(due))}
    return dg.RunRequest(run_key=until.isoformat(), tags=tags,
                         run_config=dg.RunConfig(ops={"rescore_leads": RescoreConfig(until=until.isoformat())}))
