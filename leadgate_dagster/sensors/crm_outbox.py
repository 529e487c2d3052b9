"""The CRM outbox sensor: one drain run per tick while rows are due, never two at once; no destination
configured means no runs, and the outbox waits.

The cursor is the due mark (newest due row, rows due) the last run was requested for: rows the drain had to
leave due (their destination is missing here) do not request run after run. Like the intake sensors it
long-polls (`intake.sensor_long_poll_seconds`, one indexed read every 0.2 s) until the mark moves, so a
decision reaches the CRM within about a second of its commit plus the run's start.
"""

import time

import dagster as dg

from leadgate_dagster.jobs import crm_sync_job
from leadgate_dagster.resources.crm import CrmResource
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.rules import RulesResource
from leadgate_dagster.sensors.claims import IN_FLIGHT, long_poll
from leadgate_dagster.store.crm_outbox import due_mark


@dg.sensor(job=crm_sync_job, minimum_interval_seconds=1, default_status=dg.DefaultSensorStatus.RUNNING)
def crm_outbox_sensor(context: dg.SensorEvaluationContext, db: PostgresResource, rules: RulesResource,
                      crm: CrmResource) -> dg.SensorResult:
    ruleset, engine = rules.active(), db.engine()
    if not crm.configured(ruleset):
        return dg.SensorResult(skip_reason=dg.SkipReason(
            "no CRM destination configured (LEADGATE_CRM_URL unset, no webhook secret set): the outbox waits"))
    last = context.cursor or ""

    def mark() -> str:
        with engine.connect() as conn:
            return due_mark(conn)

    long_poll(lambda: mark() not in ("", last), ruleset.intake.sensor_long_poll_seconds)
    now = mark()
    if not now:
        return dg.SensorResult(skip_reason=dg.SkipReason("nothing due in the CRM outbox"), cursor="")
    if now == last:
        return dg.SensorResult(skip_reason=dg.SkipReason(
            f"the last drain left {now.split(':')[1]} rows due (their destination is not configured here)"))
    if context.instance.get_run_ids(filters=dg.RunsFilter(job_name=crm_sync_job.name, statuses=IN_FLIGHT), limit=1):
        return dg.SensorResult(skip_reason=dg.SkipReason("a drain is in flight; the next tick looks again"))
    newest = now.split(":")[0]
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=f"crm-outbox-{newest}-{time.time_ns() // 1_000_000}",
                                                       tags={"leadgate/outbox_mark": now})], cursor=now)
