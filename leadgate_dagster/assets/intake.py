"""Where leads come from, drawn upstream of the pipeline so the lineage reads intake → raw_leads: files dropped
in the inbox (each file's outcome recorded by the inbox sensor) and the durable intake events they and
`POST /v1/leads` become, which the batch sensor claims in micro-batches."""

import dagster as dg

from leadgate_dagster.sensors.inbox import INBOX_FILES

INTAKE_EVENTS = dg.AssetKey("intake_events")

inbox_files = dg.AssetSpec(
    INBOX_FILES, group_name="intake", kinds={"file"},
    description="Files dropped in the inbox: each one's outcome (parsed, duplicate, deferred, rejected + reason) "
                "is recorded by the inbox sensor.")
intake_events = dg.AssetSpec(
    INTAKE_EVENTS, group_name="intake", kinds={"postgres"}, deps=[INBOX_FILES],
    description="`leadgate.intake_events`: one durable row per received record, from inbox files and "
                "`POST /v1/leads` (idempotent, replay-aware); `intake_batch_sensor` claims them in micro-batches, "
                "one `lead_pipeline` run each.")

INTAKE_ASSETS = [inbox_files, intake_events]
