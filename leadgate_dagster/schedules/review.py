"""The review queue's clock, every 10 minutes: a held lead waits at most that long past its SLA before it is
escalated (the SLA is 4 hours). Every run has work (priorities move as items age) while items are open."""

import dagster as dg

from leadgate_dagster.jobs import review_queue_job

review_queue_schedule = dg.ScheduleDefinition(
    name="review_queue_schedule", job=review_queue_job, cron_schedule="*/10 * * * *", execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Escalation, fallback, expiry and priorities of the review queue; new audit and score-review items.")
