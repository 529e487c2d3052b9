"""Nightly retraining: outcomes arrive from the CRM all day; a model trained on enough of them replaces the
active one, an attempt on too few is stored and explains the rules fallback (the active model stays)."""

import dagster as dg

from leadgate_dagster.jobs import model_training_job

model_training_schedule = dg.ScheduleDefinition(
    name="model_training_schedule", job=model_training_job, cron_schedule="17 3 * * *", execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
