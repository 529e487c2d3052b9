"""One answer per Idempotency-Key, for every API endpoint that takes one: a retry with the same body gets the
stored answer (marked `replayed_request`), a different body under a used key is refused."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.store import api_requests


def request_hash(items: list[Any]) -> str:
    return hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()


def answer_once(engine: sa.Engine, idempotency_key: str | None, body_hash: str,
                answer: Callable[[sa.Connection], dict[str, Any]]) -> dict[str, Any]:
    """`answer(conn)`, in one transaction with storing it under the key (when there is one); or the answer
    stored for an earlier request with this key and body. Raises ValueError when the key was used for a
    different body."""
    with engine.begin() as conn:
        if idempotency_key:
            stored = api_requests.lock_and_find(conn, idempotency_key)
            if stored is not None:
                if stored.request_hash != body_hash:
                    raise ValueError("this Idempotency-Key was used for a different request body")
                return {**stored.response, "replayed_request": True}
        response = answer(conn)
        if idempotency_key:
            api_requests.store(conn, idempotency_key, request_hash=body_hash, response=response)
    return response
