"""The stored answers of API requests sent with an Idempotency-Key (or a webhook id): a retried request gets
the first answer, byte for byte. A key belongs to one caller and one endpoint."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from leadgate_dagster.store.tables import api_requests


@dataclass(frozen=True, slots=True)
class StoredRequest:
    request_hash: str
    status_code: int
    body: bytes


def lock_and_find(conn: sa.Connection, scope: str, endpoint: str, key: str, *,
                  max_age_days: int) -> StoredRequest | None:
    """The answer stored for this key, if younger than `max_age_days`, after taking the key's lock until the
    transaction ends, so a concurrent request with the same key (in any process) waits and then finds this
    one's answer."""
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                 {"k": f"{scope}\x1f{endpoint}\x1f{key}"})
    row = conn.execute(sa.select(api_requests).where(
        api_requests.c.scope == scope, api_requests.c.endpoint == endpoint, api_requests.c.idempotency_key == key,
        api_requests.c.created_at > sa.func.now() - sa.func.make_interval(0, 0, 0, max_age_days))).first()
    return StoredRequest(row.request_hash, row.status_code, bytes(row.response_body)) if row is not None else None


def store(conn: sa.Connection, scope: str, endpoint: str, key: str, *, request_hash: str, status_code: int,
          body: bytes) -> None:
    """Store (or, for a key older than the retention, replace) the answer to a key."""
    stmt = pg_insert(api_requests).values(scope=scope, endpoint=endpoint, idempotency_key=key,
                                          request_hash=request_hash, status_code=status_code, response_body=body)
    conn.execute(stmt.on_conflict_do_update(
        index_elements=["scope", "endpoint", "idempotency_key"],
        set_={"request_hash": stmt.excluded.request_hash, "status_code": stmt.excluded.status_code,
              "response_body": stmt.excluded.response_body, "created_at": sa.func.now()}))


def purge(conn: sa.Connection, *, older_than_days: int) -> int:
    return conn.execute(sa.delete(api_requests).where(
        api_requests.c.created_at < sa.func.now() - sa.func.make_interval(0, 0, 0, older_than_days))).rowcount
