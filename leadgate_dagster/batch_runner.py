"""Run claimed batches through the Dagster job in this process (used by `leadgate demo`), recording the
runs in the persistent instance so they show up in `leadgate dev` afterwards."""

from __future__ import annotations

import dagster as dg
import sqlalchemy as sa

from leadgate_dagster.assets.partitions import intake_batches
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store.intake import claim_batches


def run_pending(engine: sa.Engine, instance: dg.DagsterInstance, rules: Ruleset) -> list[str]:
    """Claim every pending intake event into batches and materialize each batch; returns the batch ids."""
    from leadgate_dagster.definitions import defs

    cfg = rules.batching
    job = defs.resolve_job_def("lead_batch_job")
    done: list[str] = []
    while claimed := claim_batches(engine, max_events=cfg.max_events_per_batch, max_batches=1,
                                   lease_seconds=cfg.lease_seconds):
        batch_id = claimed[0][0]
        instance.add_dynamic_partitions(intake_batches.name, [batch_id])
        result = job.execute_in_process(instance=instance, partition_key=batch_id, tags={"leadgate/trigger": "demo"},
                                        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}})
        if not result.success:
            raise RuntimeError(f"batch {batch_id} failed; see run {result.run_id} in the Dagster UI")
        done.append(batch_id)
    return done
