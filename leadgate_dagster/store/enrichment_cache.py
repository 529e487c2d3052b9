"""The Postgres cache in front of every HTTP enrichment provider, and its fallback when the provider is down.

Two statements per provider and batch, both set-based: one SELECT of all the batch's keys (fresh and expired
rows alike: an expired row is the stale fallback), and one upsert of what the provider answered (COPY into a
temporary table, then INSERT ... SELECT ... ON CONFLICT DO UPDATE, so 100k keys are one round trip, not
100k). Only live "ok" and "miss" answers are stored: an error must never hide an older good answer, and
offline answers cost nothing to recompute. Keys that are personal data (IP addresses) are stored as keyed
HMACs (`stored_key`), so the cache holds no address; callers still ask and get answers by the plain key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection, Engine

from leadgate_dagster import settings
from leadgate_dagster.core.ip_hmac import ip_hmac, keyed_hmac
from leadgate_dagster.core.provider_results import KEYED_PROVIDERS, STALE, ProviderResult
from leadgate_dagster.store.bulk import copy_rows
from leadgate_dagster.store.tables import enrichment_cache

_T = enrichment_cache.fullname
_SELECT = sa.text(
    f"SELECT key, status, result, fetched_at, expires_at > now() AS fresh FROM {_T} "
    "WHERE provider = :provider AND key = ANY(:keys)"
).bindparams(sa.bindparam("keys", type_=ARRAY(sa.Text)))
_COLUMNS = ("provider", "key", "status", "result", "fetched_at", "expires_at")
_TMP = "tmp_enrichment_cache"


def stored_key(provider: str, key: str, hmac_key: bytes) -> str:
    """The form a lookup key is stored in (cache, and wherever else a key is kept): the keyed HMAC of an IP
    address for KEYED_PROVIDERS (of the text itself if it is not an address), the key itself otherwise."""
    if provider not in KEYED_PROVIDERS:
        return key
    return ip_hmac(key, hmac_key) or keyed_hmac(key, hmac_key)


def _secret(provider: str, hmac_key: bytes | None) -> bytes:
    return b"" if provider not in KEYED_PROVIDERS else hmac_key or settings.hmac_key()


@dataclass(frozen=True, slots=True)
class CachedAnswers:
    """A batch's cache rows split by freshness: `fresh` ones are used as they are, `stale` ones only as a
    fallback when the provider gives no answer."""

    fresh: dict[str, ProviderResult]
    stale: dict[str, ProviderResult]


def get(conn: Connection, provider: str, keys: Iterable[str], *,
        hmac_key: bytes | None = None) -> CachedAnswers:
    """Every cached answer of `provider` for `keys` (one SELECT).

    Args:
        conn: an open connection.
        provider: the provider kind.
        keys: lookup keys, as the provider is asked them.
        hmac_key: the secret for KEYED_PROVIDERS' keys; None reads `settings.hmac_key()`.

    Returns:
        Fresh answers (source "cache") and expired ones (source "stale_cache", reason ENRICHMENT_STALE).
    """
    wanted = sorted(set(keys))
    fresh: dict[str, ProviderResult] = {}
    stale: dict[str, ProviderResult] = {}
    if not wanted:
        return CachedAnswers(fresh, stale)
    secret = _secret(provider, hmac_key)
    asked: dict[str, list[str]] = {}
    for key in wanted:
        asked.setdefault(stored_key(provider, key, secret), []).append(key)
    for r in conn.execute(_SELECT, {"provider": provider, "keys": sorted(asked)}):
        for key in asked[r.key]:
            if r.fresh:
                fresh[key] = ProviderResult(key, r.status, dict(r.result), "cache", None, r.fetched_at)
            else:
                stale[key] = ProviderResult(key, r.status, dict(r.result), "stale_cache", STALE, r.fetched_at)
    return CachedAnswers(fresh, stale)


def put(conn: Connection, provider: str, results: Iterable[ProviderResult], *, ttl: timedelta,
        miss_ttl: timedelta, now: datetime | None = None, hmac_key: bytes | None = None) -> int:
    """Upsert the live answers of a batch (COPY + one INSERT ... ON CONFLICT DO UPDATE).

    Args:
        conn: an open connection (the caller owns the transaction).
        provider: the provider kind.
        results: the provider's results; only live "ok" and "miss" ones are written.
        ttl: how long an "ok" answer stays fresh.
        miss_ttl: how long a "miss" stays fresh (shorter: the provider may learn the key).
        now: the fetch time to record (tests); the current time when None.
        hmac_key: the secret for KEYED_PROVIDERS' keys; None reads `settings.hmac_key()`.

    Returns:
        The number of rows written.
    """
    stamp = now or datetime.now(UTC)
    secret = _secret(provider, hmac_key)
    latest = {stored_key(provider, r.key, secret): r for r in results
              if r.source == "live" and r.status in ("ok", "miss")}
    if not latest:
        return 0
    conn.execute(sa.text(f"DROP TABLE IF EXISTS {_TMP}"))
    conn.execute(sa.text(f"CREATE TEMP TABLE {_TMP} ON COMMIT DROP AS SELECT * FROM {_T} WITH NO DATA"))
    copy_rows(conn, _TMP, _COLUMNS, (
        (provider, key, r.status, r.data, stamp, stamp + (ttl if r.status == "ok" else miss_ttl))
        for key, r in latest.items()))
    cols = ", ".join(_COLUMNS)
    updated = ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS[2:])
    conn.execute(sa.text(f"INSERT INTO {_T} ({cols}) SELECT {cols} FROM {_TMP} "
                         f"ON CONFLICT (provider, key) DO UPDATE SET {updated}"))
    conn.execute(sa.text(f"DROP TABLE {_TMP}"))
    return len(latest)


class EnrichmentCache:
    """The cache on an engine: reads outside any transaction, each batch's writes in one transaction.
    `hmac_key` (default `settings.hmac_key()`) keys the stored form of IP addresses."""

    def __init__(self, engine: Engine, hmac_key: bytes | None = None) -> None:
        self._engine = engine
        self._hmac_key = hmac_key

    def get(self, provider: str, keys: Iterable[str]) -> CachedAnswers:
        """See `get`."""
        with self._engine.connect() as conn:
            return get(conn, provider, keys, hmac_key=self._hmac_key)

    def put(self, provider: str, results: Iterable[ProviderResult], *, ttl: timedelta,
            miss_ttl: timedelta) -> int:
        """See `put`."""
        with self._engine.begin() as conn:
            return put(conn, provider, results, ttl=ttl, miss_ttl=miss_ttl, hmac_key=self._hmac_key)
