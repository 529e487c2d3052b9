"""Nightly housekeeping."""

import dagster as dg

from leadgate_dagster.jobs import housekeeping_job

housekeeping_schedule = dg.ScheduleDefinition(
    name="housekeeping_schedule", job=housekeeping_job, cron_schedule="17 3 * * *", execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
