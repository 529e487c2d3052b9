"""Every job and op of the code location: the hot-path batch job, the chunked import of large inbox files,
housekeeping, the recheck (held leads, enrichment lookups), the review queue, the CRM outbox's drain, the
contract, model training, re-scores and the unscored-lead alert.
Sensors and schedules (`sensors/`, `schedules/`) only decide when these run.

Re-score watermark: Dagster's own run history, no extra table. A run covers (since, until], where `until` is
its scheduled time (the `leadgate/rescore_until` tag; a run launched by hand uses its start) and `since` is the
`until` of the last *successful* re-score run. A failed or skipped run therefore leaves its window to the next
one, and the first run ever looks back `scoring.rescore.first_run_lookback_hours`.
"""


from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import dagster as dg

from leadgate_dagster.assets.metadata import to_metadata
from leadgate_dagster.assets.partitions import intake_batches
from leadgate_dagster.checks.contract import qualified_leads_contract
from leadgate_dagster.gate import inbox
from leadgate_dagster.gate.event_intake import ingest_event_file, is_event_file
from leadgate_dagster.gate.ingest import import_registered_file
from leadgate_dagster.gate.recheck import recheck
from leadgate_dagster.gate.recheck_held import recheck_held
from leadgate_dagster.gate.rescore import rescore
from leadgate_dagster.gate.unscored import escalate_unscored
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.enrichment import EnrichmentResource
from leadgate_dagster.resources.mx import MxResource
from leadgate_dagster.resources.rules import RulesResource
from leadgate_dagster.store import api_requests, intake

# In-process: a batch is five short stages, and a process per step would cost more than the work.
lead_batch_job = dg.define_asset_job(
    "lead_batch_job",
    # the contract check reads the whole view and imports Great Expectations: it has its own job
    selection=dg.AssetSelection.groups("leads") - dg.AssetSelection.checks(qualified_leads_contract),
    executor_def=dg.in_process_executor,
    tags={"dagster/max_retries": 2},
    description="One intake micro-batch through raw -> validated -> enriched -> identity -> qualified.",
)


class ImportFileConfig(dg.Config):
    path: str
    source: str
    filename: str


@dg.op(retry_policy=dg.RetryPolicy(max_retries=3, delay=1, backoff=dg.Backoff.EXPONENTIAL))
def import_file(context: dg.OpExecutionContext, config: ImportFileConfig, db: PostgresResource,
                rules: RulesResource) -> None:
    """Parse a large inbox file into intake events in chunks; resumable (inserts are idempotent). An
    unreadable file is moved to the inbox's `_rejected/` folder with its reason file."""
    path = Path(config.path)
    # a file named events* holds behaviour events (gate/event_intake.py), registered before this run
    events = is_event_file(config.filename)
    read = partial(ingest_event_file, registered=True) if events else import_registered_file
    outcome = read(db.engine(), path.read_bytes(), filename=config.filename, source=config.source,
                   rules=rules.active())
    if outcome.status == "rejected":
        moved = inbox.reject_moved(path, code=outcome.error_code or "FILE_UNREADABLE",
                                   detail=outcome.error_detail or "", file_id=outcome.file_id, source=config.source)
        context.log.warning(f"{config.filename}: rejected ({outcome.error_code}); moved to {moved}")
    context.add_output_metadata({"records": outcome.records, "inserted": outcome.inserted, "status": outcome.status,
                                 "error_code": outcome.error_code or "",
                                 "unmapped_columns": ", ".join(outcome.unmapped)})


@dg.job(executor_def=dg.in_process_executor, tags={"dagster/max_retries": 2})
def inbox_import_job() -> None:
    import_file()


class HousekeepingConfig(dg.Config):
    retention_days: int = 30


@dg.op
def prune_partitions(context: dg.OpExecutionContext, config: HousekeepingConfig, db: PostgresResource) -> None:
    """Drop dynamic partitions (and their runs) of batches done longer ago than the retention window, so the UI
    stays fast after a year of 30-second batches. The leads themselves stay in leadgate's tables."""
    cutoff = datetime.now(UTC) - timedelta(days=config.retention_days)
    with db.engine().connect() as conn:
        old = intake.batches_done_before(conn, cutoff)
    instance = context.instance
    known = set(instance.get_dynamic_partitions(intake_batches.name))
    stale = [b for b in old if b in known]
    for batch_id in stale:
        for run_id in instance.get_run_ids(filters=dg.RunsFilter(tags={"dagster/partition": batch_id})):
            instance.delete_run(run_id)
        instance.delete_dynamic_partition(intake_batches.name, batch_id)
    context.add_output_metadata({"pruned_partitions": len(stale)})


@dg.op
def purge_stored_answers(context: dg.OpExecutionContext, db: PostgresResource, rules: RulesResource) -> None:
    """Forget the API's stored answers older than `api.idempotency_days` (a retry after that is new)."""
    with db.engine().begin() as conn:
        purged = api_requests.purge(conn, older_than_days=rules.active().api.idempotency_days)
    context.add_output_metadata({"purged_answers": purged})


@dg.job(executor_def=dg.in_process_executor)
def housekeeping_job() -> None:
    prune_partitions()
    purge_stored_answers()


@dg.op
def recheck_enrichment(context: dg.OpExecutionContext, db: PostgresResource, rules: RulesResource,
                       enrichment: EnrichmentResource, mx: MxResource) -> None:
    """Recheck what can change: first the held leads due (`review.recheck.interval_hours`: validated again and
    their fallback lookups made due, `gate.recheck_held`), then every enrichment lookup due (asked again,
    cache and leads refreshed, leads whose answer changed decided again, `gate.recheck`); history kept,
    `decided_by` recheck."""
    ruleset = rules.active()
    now = datetime.now(UTC)
    held = recheck_held(db.engine(), ruleset, mx.lookup_for(ruleset), now=now)
    report = recheck(db.engine(), ruleset, enrichment.enricher_for(ruleset), as_of=now)
    context.add_output_metadata(to_metadata({**report, **held}, row_count_key="keys_retried"))


@dg.job(executor_def=dg.in_process_executor, tags={"dagster/max_retries": 1},
        description="Rechecks of held leads whose reasons can change, and of enrichment lookups that fell back.")
def recheck_job() -> None:
    recheck_enrichment()


review_queue_job = dg.define_asset_job(
    "review_queue_job", selection=dg.AssetSelection.assets("review_queue"), executor_def=dg.in_process_executor,
    tags={"dagster/max_retries": 1},
    description="The review queue's clock (fallback, expiry, escalation, priorities; new audit and score-review "
                "items) and its report: backlog, ages, SLA adherence.")

crm_sync_job = dg.define_asset_job(
    "crm_sync_job", selection=dg.AssetSelection.assets("crm_outbox"), executor_def=dg.in_process_executor,
    tags={"dagster/max_retries": 1},
    description="One drain of the CRM outbox: every due person's latest state to the CRM or its webhook.")

contract_job = dg.define_asset_job(
    "contract_job", selection=dg.AssetSelection.checks(qualified_leads_contract),
    executor_def=dg.in_process_executor,
    description="The qualified_leads data contract (Great Expectations) over the view, outside the batch runs.")

model_training_job = dg.define_asset_job(
    "model_training_job", selection=dg.AssetSelection.assets("conversion_model"),
    executor_def=dg.in_process_executor,
    description="Retrain the conversion model from the outcomes table (activated only when trained on enough).")


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


@dg.op
def escalate_unscored_leads(context: dg.OpExecutionContext, db: PostgresResource, rules: RulesResource) -> None:
    """Open one `lead_unscored` alert per lead past the threshold; resolve those whose lead got a disposition."""
    report = escalate_unscored(db.engine(), rules.active())
    if report["open"]:
        context.log.warning(f"{report['open']} lead(s) unscored for more than {report['threshold_minutes']:.0f} "
                            f"minutes (leadgate.alerts, kind lead_unscored); {report['opened']} new")
    context.add_output_metadata(to_metadata(report, row_count_key="open"))


@dg.job(executor_def=dg.in_process_executor,
        description="Escalate leads without a disposition past the scoring SLA; resolve the ones scored since.")
def unscored_alert_job() -> None:
    escalate_unscored_leads()
