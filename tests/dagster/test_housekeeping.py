"""The housekeeping job forgets the API's stored answers once past `api.idempotency_days`, and only those."""

from __future__ import annotations

import dagster as dg
import sqlalchemy as sa

from leadgate_dagster.jobs import housekeeping_job


def test_stored_answers_past_their_retention_are_purged(engine: sa.Engine, dagster_instance: dg.DagsterInstance,
                                                        resources: dict[str, object]) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("""
            INSERT INTO leadgate.api_requests (scope, endpoint, idempotency_key, request_hash, status_code,
                                               response_body, created_at)
            VALUES ('k', 'leads', 'old', 'h', 202, '\\x7b7d', now() - interval '9 days'),
                   ('k', 'leads', 'week', 'h', 202, '\\x7b7d', now() - interval '7 days'),
                   ('k', 'leads', 'new', 'h', 202, '\\x7b7d', now())"""))
    result = housekeeping_job.execute_in_process(instance=dagster_instance, resources=resources)
    assert result.success
    with engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT idempotency_key FROM leadgate.api_requests ORDER BY 1")).scalars().all()
    assert kept == ["new", "week"]  # 8 days by default: a retry within a week always gets its first answer
