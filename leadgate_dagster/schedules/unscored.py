"""Every 5 minutes: escalate leads still unscored `alerts.unscored_after_minutes` after intake, resolve the
alerts of leads scored since. A schedule, not a step of the batch run, so it fires when no run happens."""

import dagster as dg

from leadgate_dagster.gate.unscored import has_work
from leadgate_dagster.jobs import unscored_alert_job
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.rules import RulesResource


@dg.schedule(job=unscored_alert_job, cron_schedule="*/5 * * * *", execution_timezone="UTC",
             default_status=dg.DefaultScheduleStatus.RUNNING)
def unscored_alert_schedule(context: dg.ScheduleEvaluationContext, db: PostgresResource,
                            rules: RulesResource) -> dg.RunRequest | dg.SkipReason:
    """Request a run when a pending lead is past the threshold or an alert is open (a run costs a process)."""
    if not has_work(db.engine(), rules.active()):
        return dg.SkipReason("no lead pending past the threshold and no open lead_unscored alert")
    return dg.RunRequest()
