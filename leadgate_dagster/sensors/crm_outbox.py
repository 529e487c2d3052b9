"""The CRM outbox sensor: one drain run per tick while rows are due (run_key = the newest due row and the
tick), never two at once; no destination configured means no runs, and the outbox waits.

Like the intake sensors it long-polls (`intake.sensor_long_poll_seconds`, an indexed EXISTS every 0.2 s), so
a decision reaches the CRM within about a second of its commit plus the run's start.
"""

import time

import dagster as dg

from leadgate_dagster.jobs import crm_sync_job
from leadgate_dagster.resources.crm import CrmResource
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.rules import RulesResource
from leadgate_dagster.sensors.claims import IN_FLIGHT, long_poll
from leadgate_dagster.store.crm_outbox import newest_due


@dg.sensor(job=crm_sync_job, minimum_interval_seconds=1, default_status=dg.DefaultSensorStatus.RUNNING)
def crm_outbox_sensor(context: dg.SensorEvaluationContext, db: PostgresResource, rules: RulesResource,
                      crm: CrmResource) -> dg.SensorResult:
    ruleset, engine = rules.active(), db.engine()
    if not crm.configured(ruleset):
        return dg.SensorResult(skip_reason=dg.SkipReason(
            "no CRM destination configured (LEADGATE_CRM_URL unset, no webhook secret set): the outbox waits"))

    def due() -> int | None:
        with engine.connect() as conn:
            return newest_due(conn)

    long_poll(lambda: due() is not None, ruleset.intake.sensor_long_poll_seconds)
    mark = due()
    if mark is None:
        return dg.SensorResult(skip_reason=dg.SkipReason("nothing due in the CRM outbox"))
    if context.instance.get_run_ids(filters=dg.RunsFilter(job_name=crm_sync_job.name, statuses=IN_FLIGHT), limit=1):
        return dg.SensorResult(skip_reason=dg.SkipReason("a drain is in flight; the next tick looks again"))
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=f"crm-outbox-{mark}-{time.time_ns() // 1_000_000}",
                                                       tags={"leadgate/outbox_mark": str(mark)})])
