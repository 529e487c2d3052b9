"""The batch sensor: claims pending intake events (from the API, a backlog, or a run that died) into
micro-batches and requests one run per batch (run_key = batch id).

Claims carry a lease, so the events of a run that died are claimed again once it expires. While the
configured number of batch runs is in flight the sensor claims nothing, so batches grow under load instead
of runs piling up.
"""

import dagster as dg

from leadgate_dagster.jobs import lead_batch_job
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.rules import RulesResource
from leadgate_dagster.sensors.claims import batch_requests, claimable, long_poll


@dg.sensor(job=lead_batch_job, minimum_interval_seconds=1, default_status=dg.DefaultSensorStatus.RUNNING)
def intake_batch_sensor(context: dg.SensorEvaluationContext, db: PostgresResource,
                        rules: RulesResource) -> dg.SensorResult:
    ruleset, engine = rules.active(), db.engine()
    cfg = ruleset.batching
    grace = cfg.file_claim_grace_seconds  # the inbox sensor claims its own files' events first
    long_poll(claimable(engine, file_grace_seconds=grace), ruleset.intake.sensor_long_poll_seconds)
    requests, partitions, why = batch_requests(context, engine, ruleset, file_grace_seconds=grace)
    if not requests:
        return dg.SensorResult(skip_reason=dg.SkipReason(why))
    return dg.SensorResult(run_requests=requests, dynamic_partitions_requests=partitions)
