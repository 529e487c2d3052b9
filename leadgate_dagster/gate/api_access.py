"""Who is posting, and may they: API keys, Standard Webhooks signatures, per-caller token buckets.

A caller is one API key, one signed-webhook source, or (only under `serve --insecure-dev`) the open door.
The caller fixes the source and partner of what it posts, scopes its Idempotency-Keys and owns its rate
bucket; `Unauthorized` carries the reason for the log line, never for the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from leadgate_dagster.core.api_credentials import key_hash, new_key, new_key_id, new_secret_id, new_webhook_secret
from leadgate_dagster.core.rules.api import ApiRules
from leadgate_dagster.store import api_keys, rate_limits, webhook_secrets

OPEN = "open"
WEBHOOK_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class Unauthorized(Exception):
    """No valid credential; the message is for the server's log."""


@dataclass(frozen=True, slots=True)
class Caller:
    scope: str  # key id | webhook:<source> | open
    source: str
    partner_id: str | None
    scopes: frozenset[str]
    rate_per_second: float | None = None
    webhook_id: str | None = None  # a signed webhook's id doubles as its Idempotency-Key


SCOPES = ("intake", "reviewer")


def issue_key(engine: sa.Engine, source: str, *, partner_id: str | None = None, scopes: tuple[str, ...] = ("intake",),
              rate_per_second: float | None = None) -> tuple[str, str]:
    """A new API key for `source`: (key id, the key). The key is shown once; only its hash is kept."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValueError(f"unknown scopes {unknown}; a key has one or more of {', '.join(SCOPES)}")
    if not source.strip():
        raise ValueError("a key needs a source")
    key, key_id = new_key(), new_key_id()
    with engine.begin() as conn:
        api_keys.add(conn, key_id=key_id, key_hash=key_hash(key), source=source.strip(), partner_id=partner_id,
                     scopes=list(scopes), rate_per_second=rate_per_second)
    return key_id, key


def add_webhook_secret(engine: sa.Engine, source: str, *, partner_id: str | None = None) -> tuple[str, str, list[str]]:
    """A new signing secret for `source`: (secret id, the secret, ids of the secrets it retired)."""
    if not source.strip():
        raise ValueError("a webhook secret needs a source")
    secret, secret_id = new_webhook_secret(), new_secret_id()
    with engine.begin() as conn:
        retired = webhook_secrets.add(conn, secret_id=secret_id, source=source.strip(), partner_id=partner_id,
                                      secret=secret)
    return secret_id, secret, retired


def by_key(engine: sa.Engine, key: str) -> Caller:
    with engine.connect() as conn:
        found = api_keys.active_by_hash(conn, key_hash(key))
    if found is None:
        raise Unauthorized("unknown or revoked API key")
    return Caller(found.key_id, found.source, found.partner_id, frozenset(found.scopes), found.rate_per_second)


def by_signature(engine: sa.Engine, source: str, body: bytes, headers: Mapping[str, str]) -> Caller:
    """The caller of a Standard Webhooks request for `source`: HMAC-SHA256 over id.timestamp.body with one of
    the source's valid secrets (two during a rotation), timestamp within 5 minutes, constant-time compare."""
    with engine.connect() as conn:
        secrets = webhook_secrets.valid_for(conn, source)
    if not secrets:
        raise Unauthorized(f"no webhook secret for source {source!r}")
    signed = {name: headers.get(name, "") for name in WEBHOOK_HEADERS}
    problem = "no webhook secret of the source"
    for row in secrets:
        try:
            Webhook(row.secret).verify(body, signed, json_parse=False)
        except WebhookVerificationError as exc:
            problem = str(exc)
            continue
        return Caller(f"webhook:{source}", source, row.partner_id, frozenset({"intake"}),
                      webhook_id=signed["webhook-id"])
    raise Unauthorized(f"webhook for {source!r}: {problem}")


def open_door(source: str | None) -> Caller:
    return Caller(OPEN, source or "api", None, frozenset({"intake"}))


def throttle(engine: sa.Engine, caller: Caller, rules: ApiRules) -> float:
    """Take one request from the caller's bucket: 0 when allowed, else the seconds to wait."""
    rate = caller.rate_per_second or rules.rate_per_second
    with engine.begin() as conn:
        return rate_limits.take(conn, f"api:{caller.scope}", rate=rate, burst=max(rules.rate_burst, 1))
