"""The batch sensor: claims pending intake events into micro-batches and requests one run per batch.

Claims carry a lease, so the events of a run that died are claimed again once it expires. While the
configured number of batch runs is in flight the sensor claims nothing, so batches grow under load instead
of runs piling up.
"""


import dagster as dg

from leadgate_dagster.assets.partitions import intake_batches
from leadgate_dagster.jobs import lead_batch_job
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.rules import RulesResource
from leadgate_dagster.store.intake import claim_batches

IN_FLIGHT = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
             dg.DagsterRunStatus.STARTED]


@dg.sensor(job=lead_batch_job, minimum_interval_seconds=1, default_status=dg.DefaultSensorStatus.RUNNING)
def intake_batch_sensor(context: dg.SensorEvaluationContext, db: PostgresResource,
                        rules: RulesResource) -> dg.SensorResult:
    cfg = rules.active().section("batching")
    in_flight = len(context.instance.get_run_ids(
        filters=dg.RunsFilter(job_name=lead_batch_job.name, statuses=IN_FLIGHT), limit=cfg["max_runs_in_flight"]))
    slots = min(int(cfg["max_runs_in_flight"]) - in_flight, int(cfg["max_batches_per_tick"]))
    if slots <= 0:
        return dg.SensorResult(skip_reason=dg.SkipReason(f"{in_flight} batch runs in flight; letting the backlog grow"))
    claimed = claim_batches(db.engine(), max_events=int(cfg["max_events_per_batch"]), max_batches=slots,
                            lease_seconds=float(cfg["lease_seconds"]))
    if not claimed:
        return dg.SensorResult(skip_reason=dg.SkipReason("no pending intake events"))
    batch_ids = [b for b, _ in claimed]
    context.log.info("claimed " + ", ".join(f"{b} ({n} events)" for b, n in claimed))
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=b, partition_key=b, tags={"leadgate/events": str(n)})
                      for b, n in claimed],
        dynamic_partitions_requests=[intake_batches.build_add_request(batch_ids)],
    )
