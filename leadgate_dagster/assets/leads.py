"""The lead pipeline, one partition per intake micro-batch: one asset per stage of `gate/pipeline.py` (each a
Postgres table, no IO manager), computed by one subsettable multi-asset that runs the gate's stage list.

Why one op: a Dagster step costs ≈ 0.15–0.25 s of event-log writes whatever it does, and a batch of 50
leads takes about that per stage. Five steps would add ≈ 1 s to every file's latency; one step with
`can_subset=True` keeps each asset materializable on its own (select it in the UI or in `materialize`).
"""

from collections.abc import Iterator

import dagster as dg

from leadgate_dagster.assets.intake import INTAKE_EVENTS
from leadgate_dagster.assets.metadata import masked_preview, to_metadata
from leadgate_dagster.assets.partitions import IO_RETRY, intake_batches
from leadgate_dagster.checks.outcomes import check_specs, to_check_result
from leadgate_dagster.gate.pipeline import STAGES, BatchContext, BlockingCheckFailed, StageResult, run_batch
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.enrichment import EnrichmentResource
from leadgate_dagster.resources.mx import MxResource
from leadgate_dagster.resources.rules import RulesResource
from leadgate_dagster.store import exports

KINDS = {"python", "postgres"}
LEAD_SPECS = [dg.AssetSpec(stage.name, description=stage.description, deps=[upstream], group_name="leads",
                           kinds=KINDS)
              for upstream, stage in zip((INTAKE_EVENTS, *(s.name for s in STAGES[:-1])), STAGES, strict=True)]


@dg.multi_asset(specs=LEAD_SPECS, check_specs=check_specs(STAGES), partitions_def=intake_batches,
                can_subset=True, retry_policy=IO_RETRY)
def lead_pipeline(context: dg.AssetExecutionContext, db: PostgresResource, rules: RulesResource,
                  mx: MxResource, enrichment: EnrichmentResource) -> Iterator[dg.MaterializeResult]:
    """raw -> validated -> enriched -> identity -> qualified for one intake batch (the selected ones).

    Every stage runs before any materialization is written: each event-log write costs 30-90 ms, and leads
    should not wait for bookkeeping to get their disposition (≈ 0.35 s of a 50-lead file). What ran is still
    recorded when a later stage fails or a blocking check stops the batch."""
    engine, ruleset = db.engine(), rules.active()
    batch = BatchContext(engine, context.partition_key, ruleset, mx.lookup_for(ruleset),
                         enrichment.enricher_for(ruleset))
    results: list[StageResult] = []
    try:
        results.extend(run_batch(batch, {key.to_user_string() for key in context.selected_asset_keys}))
    except BlockingCheckFailed as exc:  # a broken identity graph must not feed dispositions
        yield from (_materialization(r, batch) for r in results)
        raise dg.Failure(str(exc), allow_retries=False) from exc  # a retry cannot mend the graph
    except Exception:
        yield from (_materialization(r, batch) for r in results)
        raise
    yield from (_materialization(r, batch) for r in results)


def _materialization(result: StageResult, batch: BatchContext) -> dg.MaterializeResult:
    stage, (outcomes, figures) = result.stage, result.judgement
    metadata = to_metadata({**result.report, **figures}, row_count_key=stage.row_count_key)
    if stage.name == "qualified_leads":
        with batch.engine.connect() as conn:
            metadata["preview"] = dg.MetadataValue.md(masked_preview(exports.batch_preview(conn, batch.batch_id)))
    return dg.MaterializeResult(asset_key=stage.name, metadata=metadata,
                                check_results=[to_check_result(stage.name, o) for o in outcomes])


LEAD_ASSETS = [lead_pipeline]
