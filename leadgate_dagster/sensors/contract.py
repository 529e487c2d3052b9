"""The qualified_leads contract evaluated when it can have changed, not only on the hour: once when the sensor
first runs (a new deployment never shows the check "Not Evaluated" for long) and after batches that decided
leads. It runs in its own run, never in a batch's (Great Expectations alone takes seconds to import), at most
one at a time (batches decided meanwhile are covered by the next run), and once intake is quiet: a contract
run costs seconds of CPU, which on a small host would slow the very next batches it is meant to check."""

import time

import dagster as dg

from leadgate_dagster.jobs import contract_job

QUALIFIED = dg.AssetKey("qualified_leads")
IN_FLIGHT = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
             dg.DagsterRunStatus.STARTED]
# seconds without a new qualified_leads materialization before the contract runs after batches
QUIET_SECONDS = 10.0


@dg.sensor(job=contract_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def contract_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    """Request a contract run when qualified_leads was materialized since the last one (cursor: the storage
    id of the latest materialization covered), or on the first tick ever."""
    latest = context.instance.fetch_materializations(QUALIFIED, limit=1, ascending=False).records
    mark = latest[0].storage_id if latest else 0
    if context.cursor is not None and int(context.cursor) >= mark:
        return dg.SkipReason("no batch decided leads since the last contract run")
    if context.cursor is not None and time.time() - latest[0].timestamp < QUIET_SECONDS:
        return dg.SkipReason(f"intake is busy; the contract runs {QUIET_SECONDS:.0f} s after the last batch")
    if context.instance.get_runs_count(dg.RunsFilter(job_name=contract_job.name, statuses=IN_FLIGHT)):
        return dg.SkipReason("a contract run is in flight; the next tick asks again")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=f"contract-after-{mark}")], cursor=str(mark))
