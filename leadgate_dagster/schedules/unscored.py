"""Every 5 minutes: escalate leads still unscored `alerts.unscored_after_minutes` after intake, resolve the
alerts of leads scored since. A schedule, not a step of the batch run, so it fires when no run happens."""

import dagster as dg

from leadgate_dagster.assets.metadata import to_metadata
from leadgate_dagster.gate.unscored import escalate_unscored, has_work
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.rules import RulesResource


@dg.op
def escalate_unscored_leads(context: dg.OpExecutionContext, db: PostgresResource, rules: RulesResource) -> None:
    """Open one `lead_unscored` alert per lead past the threshold; resolve those whose lead got a disposition."""
    report = escalate_unscored(db.engine(), rules.active())
    if report["open"]:
        context.log.warning(f"{report['open']} lead(s) unscored for more than {report['threshold_minutes']:.0f} "
                            f"minutes (leadgate.alerts, kind lead_unscored); {report['opened']} new")
    context.add_output_metadata(to_metadata(report, row_count_key="open"))


@dg.job(executor_def=dg.in_process_executor,
        description="Escalate leads without a disposition past the scoring SLA; resolve the ones scored since.")
def unscored_alert_job() -> None:
    escalate_unscored_leads()


@dg.schedule(job=unscored_alert_job, cron_schedule="*/5 * * * *", execution_timezone="UTC",
             default_status=dg.DefaultScheduleStatus.RUNNING)
def unscored_alert_schedule(context: dg.ScheduleEvaluationContext, db: PostgresResource,
                            rules: RulesResource) -> dg.RunRequest | dg.SkipReason:
    """Request a run when a pending lead is past the threshold or an alert is open (a run costs a process)."""
    if not has_work(db.engine(), rules.active()):
        return dg.SkipReason("no lead pending past the threshold and no open lead_unscored alert")
    return dg.RunRequest()
