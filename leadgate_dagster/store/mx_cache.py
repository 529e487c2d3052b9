"""The Postgres MX cache and the provider that puts it in front of a DNS provider.

Two statements per batch, both set-based: one SELECT for all the batch's domains, one upsert for what the
provider answered. "unknown" answers (timeouts, SERVFAIL) are kept only for the short negative TTL so they
are retried soon; the offline table's "unverified" is never stored (it costs nothing to recompute and must
not hide a live answer later).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine

from leadgate_dagster.core.validation.mx import MX_UNKNOWN, UNVERIFIED, MxProvider, MxResult
from leadgate_dagster.store.tables import mx_cache

_SELECT = sa.text(
    f"SELECT domain, status, mx_hosts, catch_all, reason FROM {mx_cache.fullname} "
    "WHERE domain = ANY(:domains) AND expires_at > now()"
).bindparams(sa.bindparam("domains", type_=ARRAY(sa.Text)))


def get_fresh(conn: Connection, domains: Iterable[str]) -> dict[str, MxResult]:
    """Cached answers that have not expired, for the given domains (one SELECT).

    Args:
        conn: an open connection.
        domains: lowercased ASCII domains.

    Returns:
        domain -> MxResult for the domains with a fresh row; the others are absent.
    """
    wanted = sorted(set(domains))
    if not wanted:
        return {}
    rows = conn.execute(_SELECT, {"domains": wanted})
    return {r.domain: MxResult(r.domain, r.status, tuple(r.mx_hosts or ()), r.catch_all, r.reason)
            for r in rows}


def put(conn: Connection, results: Iterable[MxResult], ttl: timedelta,
        negative_ttl: timedelta | None = None) -> int:
    """Upsert answers (one INSERT ... ON CONFLICT DO UPDATE); "unknown" ones expire after `negative_ttl`.

    Args:
        conn: an open connection (the caller owns the transaction).
        results: provider answers; the offline table's "unverified" answers are skipped.
        ttl: lifetime of a definite answer (ok, no_domain, null_mx, no_mx).
        negative_ttl: lifetime of an "unknown" answer; None skips unknown answers.

    Returns:
        The number of rows written.
    """
    now = datetime.now(UTC)
    rows = []
    for r in {r.domain: r for r in results}.values():
        life = negative_ttl if r.status == MX_UNKNOWN else ttl
        if life is None or (r.status == MX_UNKNOWN and r.reason == UNVERIFIED):
            continue
        rows.append({"domain": r.domain, "status": r.status, "mx_hosts": list(r.mx_hosts),
                     "catch_all": r.catch_all, "reason": r.reason, "checked_at": now,
                     "expires_at": now + life})
    if not rows:
        return 0
    stmt = pg_insert(mx_cache).values(rows)
    updated = ("status", "mx_hosts", "catch_all", "reason", "checked_at", "expires_at")
    stmt = stmt.on_conflict_do_update(index_elements=[mx_cache.c.domain],
                                      set_={c: stmt.excluded[c] for c in updated})
    conn.execute(stmt)
    return len(rows)


class CachedMxProvider:
    """Cache first, the wrapped provider for the misses, answers written back; one round trip each way."""

    def __init__(self, provider: MxProvider, engine: Engine, ttl: timedelta,
                 negative_ttl: timedelta = timedelta(hours=6)) -> None:
        self._provider = provider
        self._engine = engine
        self._ttl = ttl
        self._negative_ttl = negative_ttl

    def lookup(self, domains: Iterable[str]) -> dict[str, MxResult]:
        """MX facts for all domains: fresh cache rows, then the provider for the misses (outside any
        transaction, so a slow DNS never holds a database connection)."""
        wanted = {d.strip().lower().rstrip(".") for d in domains if d and d.strip()}
        with self._engine.connect() as conn:
            found = get_fresh(conn, wanted)
        missing = wanted - set(found)
        if missing:
            answered: Mapping[str, MxResult] = self._provider.lookup(missing)
            with self._engine.begin() as conn:
                put(conn, answered.values(), self._ttl, self._negative_ttl)
            found.update(answered)
        return found
