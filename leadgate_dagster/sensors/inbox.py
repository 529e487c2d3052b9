"""The inbox sensor: small files are parsed into intake events within the tick, and their batch run is
requested in the same tick (the fast path); large files are registered and handed to an import run;
unreadable ones are moved aside with a reason. Every file shows up in the UI as a materialization of the
`inbox_files` asset."""


import time
from pathlib import Path

import dagster as dg
import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate import inbox
from leadgate_dagster.gate.event_intake import ingest_event_file, is_event_file
from leadgate_dagster.gate.ingest import IngestOutcome, ingest_bytes, register_large_file
from leadgate_dagster.jobs import inbox_import_job, lead_batch_job
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.inbox import InboxResource
from leadgate_dagster.resources.rules import RulesResource
from leadgate_dagster.sensors.claims import batch_requests, long_poll

INBOX_FILES = dg.AssetKey("inbox_files")
# Dagster stops a sensor evaluation at 60 s; leave files for the next tick well before that.
TICK_BUDGET_SECONDS = 20.0


def file_event(file: inbox.InboxFile, outcome: IngestOutcome, moved_to: str) -> dg.AssetMaterialization:
    return dg.AssetMaterialization(
        asset_key=INBOX_FILES, partition=None,
        description=f"{file.name}: {outcome.status}" + (f" ({outcome.error_code})" if outcome.error_code else ""),
        metadata={"file": file.name, "source": file.source, "status": outcome.status, "file_id": outcome.file_id,
                  "records": outcome.records, "inserted": outcome.inserted, "moved_to": moved_to,
                  "error_code": outcome.error_code or "", "error_detail": outcome.error_detail or "",
                  "unmapped_columns": ", ".join(outcome.unmapped)},
    )


def _take(engine: sa.Engine, folder: Path, file: inbox.InboxFile, ruleset: Ruleset,
          bound: int) -> tuple[IngestOutcome, Path]:
    """Ingest one file (or register it for an import run when large) and move it out of the inbox; a file
    named `events*` holds behaviour events, not leads (gate/event_intake.py)."""
    if file.path.stat().st_size > ruleset.intake.sensor_parse_max_bytes:
        outcome = register_large_file(engine, file.path, source=file.source)
    elif is_event_file(file.name):
        outcome = ingest_event_file(engine, file.path.read_bytes(), filename=file.name, source=file.source,
                                    rules=ruleset)
    else:
        outcome = ingest_bytes(engine, file.path.read_bytes(), filename=file.name, source=file.source,
                               rules=ruleset, defer_above=bound)
    if outcome.status == "rejected":
        return outcome, inbox.reject(folder, file, code=outcome.error_code or "FILE_UNREADABLE",
                                     detail=outcome.error_detail or "", file_id=outcome.file_id)
    return outcome, inbox.archive(folder, file)


@dg.sensor(jobs=[lead_batch_job, inbox_import_job], minimum_interval_seconds=1,
           default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_sensor(context: dg.SensorEvaluationContext, db: PostgresResource, rules: RulesResource,
                 inbox_folder: InboxResource) -> dg.SensorResult:
    folder, engine, ruleset = inbox_folder.folder(), db.engine(), rules.active()
    cfg = ruleset.intake

    def ready() -> list[inbox.InboxFile]:
        return inbox.ready_files(folder, settle_seconds=cfg.file_settle_seconds)

    if not long_poll(lambda: bool(ready()), cfg.sensor_long_poll_seconds):
        return dg.SensorResult(skip_reason=dg.SkipReason(f"no files ready in {folder}"))
    bound = cfg.sensor_parse_max_rows
    started, events, requests, seen = time.monotonic(), [], [], set()
    # rescan until no new file is ready, so files dropped together (a burst) share one batch and one run
    while (files := [f for f in ready() if f.path not in seen]) and (
            time.monotonic() - started < TICK_BUDGET_SECONDS):
        for file in files:
            seen.add(file.path)
            outcome, moved = _take(engine, folder, file, ruleset, bound)
            if outcome.status == "deferred":
                requests.append(dg.RunRequest(
                    run_key=f"import-{outcome.file_id}", job_name=inbox_import_job.name,
                    run_config=dg.RunConfig(ops={"import_file": {"config": {
                        "path": str(moved), "source": file.source, "filename": file.name}}})))
            context.log.info(f"{file.name}: {outcome.status} ({outcome.records} records, {outcome.inserted} new)")
            events.append(file_event(file, outcome, str(moved)))
    batches, partitions, _ = batch_requests(context, engine, ruleset)
    return dg.SensorResult(run_requests=requests + batches, dynamic_partitions_requests=partitions,
                           asset_events=events)
