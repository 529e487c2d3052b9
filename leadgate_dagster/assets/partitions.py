"""Micro-batches of intake: one dynamic partition per batch the intake sensor claims."""

import dagster as dg

intake_batches = dg.DynamicPartitionsDefinition(name="intake_batches")

# I/O-bound stages retry with backoff and jitter; the writes are idempotent, so a retry is always safe.
IO_RETRY = dg.RetryPolicy(max_retries=3, delay=1, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)
