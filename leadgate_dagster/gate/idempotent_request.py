"""One answer per Idempotency-Key, for every API endpoint that takes one: a retry with the same body gets the
stored answer byte for byte, a different body under a used key is refused. A key is scoped to its caller
and endpoint: two partners may both send `1`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.store import api_requests


class KeyReused(ValueError):
    """The Idempotency-Key was used before for a different request body."""


@dataclass(frozen=True, slots=True)
class Answer:
    status_code: int
    body: bytes
    replayed: bool


def to_json(answer: dict[str, Any]) -> bytes:
    return json.dumps(answer, separators=(",", ":"), default=str).encode()


def request_hash(items: list[Any]) -> str:
    return hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()


def answer_once(engine: sa.Engine, key: tuple[str, str, str] | None, body_hash: str,
                answer: Callable[[sa.Connection], bytes], *, status_code: int, retention_days: int) -> Answer:
    """`answer(conn)` (the response body), in one transaction with storing it under `key` = (caller scope,
    endpoint, Idempotency-Key) when there is one; or the answer stored for an earlier request with this key
    and body. Raises KeyReused when the key was used for a different body."""
    with engine.begin() as conn:
        if key:
            stored = api_requests.lock_and_find(conn, *key, max_age_days=retention_days)
            if stored is not None:
                if stored.request_hash != body_hash:
                    raise KeyReused("this Idempotency-Key was used for a different request body")
                return Answer(stored.status_code, stored.body, replayed=True)
        body = answer(conn)
        if key:
            api_requests.store(conn, *key, request_hash=body_hash, status_code=status_code, body=body)
    return Answer(status_code, body, replayed=False)
