"""Helpers for driving the pipeline in-process against the test database and instance."""

from __future__ import annotations

from collections.abc import Mapping

import dagster as dg
import sqlalchemy as sa

from leadgate_dagster.assets.leads import LEAD_ASSETS
from leadgate_dagster.assets.partitions import intake_batches
from leadgate_dagster.checks.rejection_rate import rejection_rate_by_source_check


def materialize_batch(batch_id: str, instance: dg.DagsterInstance, resources: Mapping[str, object],
                      assets: list[str] | None = None) -> dg.ExecuteInProcessResult:
    """Materialize the batch: every lead asset and check, or only the named assets (and their checks)."""
    instance.add_dynamic_partitions(intake_batches.name, [batch_id])
    selection = None if assets is None else dg.AssetSelection.assets(*assets)
    return dg.materialize([*LEAD_ASSETS, rejection_rate_by_source_check], partition_key=batch_id,
                          instance=instance, resources=dict(resources), selection=selection)


def table_counts(engine: sa.Engine) -> dict[str, int]:
    names = ["intake_events", "leads", "lead_checks", "enrichments", "persons", "identity_keys", "lead_person",
             "dispositions"]
    with engine.connect() as conn:
        return {n: conn.execute(sa.text(f"SELECT count(*) FROM leadgate.{n}")).scalar_one() for n in names}


def current_dispositions(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.text(
            "SELECT lead_id, disposition FROM leadgate.dispositions WHERE is_current")).all())
