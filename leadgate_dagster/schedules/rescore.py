"""Re-score every 15 minutes: leads with new behaviour events, and leads whose events crossed a decay boundary.

The watermark is Dagster's own run history, no extra table: a run covers (since, until], where `until` is its
scheduled time (the `leadgate/rescore_until` tag; a run launched by hand uses its start) and `since` is the
`until` of the last *successful* re-score run. A failed or skipped run therefore leaves its window to the next
one, and the first run ever looks back `scoring.rescore.first_run_lookback_hours`.
"""

from datetime import UTC, datetime, timedelta

import dagster as dg

from leadgate_dagster.assets.metadata import to_metadata
from leadgate_dagster.gate.rescore import due_leads, rescore
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.rules import RulesResource

JOB = "rescore_job"
UNTIL_TAG = "leadgate/rescore_until"
SETTLE = timedelta(seconds=10)


class RescoreConfig(dg.Config):
    since: str | None = None  # ISO 8601; empty: the last successful re-score's `until`
    until: str | None = None  # ISO 8601; empty: now


def last_watermark(instance: dg.DagsterInstance) -> datetime | None:
    """The `until` of the latest successful re-score run (its tag, else its start time), or None."""
    records = instance.get_run_records(filters=dg.RunsFilter(job_name=JOB, statuses=[dg.DagsterRunStatus.SUCCESS]),
                                       limit=1)
    if not records:
        return None
    tagged = records[0].dagster_run.tags.get(UNTIL_TAG)
    if tagged:
        return datetime.fromisoformat(tagged)
    started = records[0].start_time
    return datetime.fromtimestamp(started, UTC) if started is not None else None


@dg.op
def rescore_leads(context: dg.OpExecutionContext, config: RescoreConfig, db: PostgresResource,
                  rules: RulesResource) -> None:
    """Decide again the leads the window touched (gate/rescore.py); metadata: leads re-scored, dispositions
    changed and the count per transition."""
    # a run launched by hand stops SETTLE short of now: an event whose insert began just before is committed
    until = datetime.fromisoformat(config.until) if config.until else datetime.now(UTC) - SETTLE
    since = datetime.fromisoformat(config.since) if config.since else last_watermark(context.instance)
    report = rescore(db.engine(), rules.active(), since=since, until=until)
    context.log.info(f"re-scored {report['leads_rescored']} leads in ({report['since']}, {report['until']}]: "
                     f"{report['dispositions_changed']} dispositions changed")
    context.add_output_metadata(to_metadata(report, row_count_key="leads_rescored"))


@dg.job(executor_def=dg.in_process_executor, tags={"dagster/max_retries": 2},
        description="Decide again the leads with new behaviour events or decayed engagement since the last run.")
def rescore_job() -> None:
    rescore_leads()


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
