"""The stored answers of API requests sent with an Idempotency-Key: a retried request gets the first
answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from leadgate_dagster.store.tables import api_requests


@dataclass(frozen=True, slots=True)
class StoredRequest:
    request_hash: str
    response: dict[str, Any]


def lock_and_find(conn: sa.Connection, idempotency_key: str) -> StoredRequest | None:
    """The answer stored for this key, if any, after taking the key's lock until the transaction ends, so a
    concurrent request with the same key waits and then finds this one's answer."""
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": idempotency_key})
    row = conn.execute(
        sa.select(api_requests).where(api_requests.c.idempotency_key == idempotency_key)).first()
    return StoredRequest(row.request_hash, row.response) if row is not None else None


def store(conn: sa.Connection, idempotency_key: str, *, request_hash: str, response: dict[str, Any]) -> None:
    conn.execute(pg_insert(api_requests).values(idempotency_key=idempotency_key, request_hash=request_hash,
                                                response=response))
