"""The qualified_leads contract, hourly, outside the batch runs: it covers rows that re-scores and rechecks
changed (`contract_sensor` covers the batches)."""

import dagster as dg

from leadgate_dagster.jobs import contract_job

contract_schedule = dg.ScheduleDefinition(
    name="contract_schedule", job=contract_job, cron_schedule="41 * * * *", execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
