"""Claiming pending intake events into batches and turning them into run requests, shared by both sensors."""

import time
from collections.abc import Callable

import dagster as dg
import sqlalchemy as sa

from leadgate_dagster.assets.partitions import intake_batches
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.intake_pressure import pressure
from leadgate_dagster.gate.intake_pressure import record as record_pressure
from leadgate_dagster.jobs import lead_batch_job
from leadgate_dagster.store.intake import claim_batches, has_claimable

IN_FLIGHT = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
             dg.DagsterRunStatus.STARTED]
POLL_SECONDS = 0.2


def long_poll(ready: Callable[[], bool], seconds: float) -> bool:
    """Wait up to `seconds` for `ready()`.

    Dagster's sensor daemon evaluates sensors at most every 5 s, whatever `minimum_interval_seconds` says.
    A tick that keeps looking for a few seconds and returns as soon as work appears cuts the time from a
    file landing to its run request from up to 5 s to a fraction of a second, at the cost of a cheap
    directory listing or indexed query every 0.2 s.
    """
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


def batch_requests(context: dg.SensorEvaluationContext, engine: sa.Engine, rules: Ruleset, *,
                   file_grace_seconds: float = 0) -> tuple[list[dg.RunRequest], list[dg.AddDynamicPartitionsRequest], str]:
    """Claim up to the free run slots' worth of batches; returns run requests, partition requests and, when
    nothing was claimed, why. Under intake pressure (the ruleset's `api.degradation`) batches grow by the
    tier's factor, and the `intake_degraded` alert follows the tier."""
    cfg = rules.batching
    with engine.begin() as conn:
        now = pressure(conn, rules.api)
        record_pressure(conn, now)
    batch_size = int(cfg.max_events_per_batch * (now.setting.batch_factor if now.setting else 1))
    in_flight = len(context.instance.get_run_ids(
        filters=dg.RunsFilter(job_name=lead_batch_job.name, statuses=IN_FLIGHT), limit=cfg.max_runs_in_flight))
    slots = min(cfg.max_runs_in_flight - in_flight, cfg.max_batches_per_tick)
    if slots <= 0:
        return [], [], f"{in_flight} batch runs in flight; letting the backlog grow"
    claimed = claim_batches(engine, max_events=batch_size, max_batches=slots,
                            lease_seconds=cfg.lease_seconds, file_grace_seconds=file_grace_seconds)
    if not claimed:
        return [], [], "no pending intake events"
    context.log.info("claimed " + ", ".join(f"{b} ({n} events)" for b, n in claimed))
    requests = [dg.RunRequest(run_key=b, partition_key=b, job_name=lead_batch_job.name,
                              tags={"leadgate/events": str(n)}) for b, n in claimed]
    return requests, [intake_batches.build_add_request([b for b, _ in claimed])], ""


def claimable(engine: sa.Engine, *, file_grace_seconds: float) -> Callable[[], bool]:
    def ready() -> bool:
        with engine.connect() as conn:
            return has_claimable(conn, file_grace_seconds=file_grace_seconds)
    return ready
