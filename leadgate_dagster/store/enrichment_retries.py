"""`enrichment_retries`: the (provider, key) pairs that got a fallback and wait for the recheck job.

A row is pending while `resolved_at` is NULL and `next_attempt_at` is finite; the job claims the due ones
(moving `next_attempt_at` a lease ahead, with SKIP LOCKED, so two runs never ask for the same key), then
resolves them or schedules the next attempt. A key the job gave up on has `next_attempt_at = GAVE_UP_AT`
(the last day of year 9999, not 'infinity', which Python's datetime cannot hold): never due again until a
new lead fails on it, which starts a fresh cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from leadgate_dagster.store.bulk import copy_rows

_T = "leadgate.enrichment_retries"
_TMP = "tmp_enrichment_retries"
_PAIRS = sa.bindparam("providers", type_=ARRAY(sa.Text)), sa.bindparam("keys", type_=ARRAY(sa.Text))
GAVE_UP_AT = datetime(9999, 12, 31, tzinfo=UTC)
_GAVE_UP = sa.bindparam("gave_up", GAVE_UP_AT, type_=sa.DateTime(timezone=True))
# a row that is resolved or given up on starts over when a lead fails on its key again
_RESTART = "r.resolved_at IS NOT NULL OR r.next_attempt_at >= :gave_up"


@dataclass(frozen=True, slots=True)
class DueKey:
    provider: str
    key: str
    attempts: int  # rechecks already made
    error: str


def _temp(conn: sa.Connection, columns: str) -> None:
    conn.execute(sa.text(f"DROP TABLE IF EXISTS {_TMP}"))
    conn.execute(sa.text(f"CREATE TEMP TABLE {_TMP} ON COMMIT DROP AS SELECT {columns} FROM {_T} "
                         "WITH NO DATA"))


def record_failures(conn: sa.Connection, failures: Iterable[tuple[str, str, str]],
                    first_delay: timedelta) -> int:
    """Upsert the keys a batch could not enrich (COPY + one INSERT ... ON CONFLICT).

    A new key is due after `first_delay`; a pending one keeps its attempts and schedule (a re-run of the
    batch must not postpone or reset it); a resolved or given-up one starts a fresh cycle.

    Args:
        conn: an open connection (the caller owns the transaction).
        failures: (provider, key, error kind) per key.
        first_delay: the wait before the first recheck.

    Returns:
        The number of keys written.
    """
    _temp(conn, "provider, key, error")
    n = copy_rows(conn, _TMP, ("provider", "key", "error"), failures)
    if n:
        conn.execute(sa.text(f"""
            INSERT INTO {_T} AS r (provider, key, error, attempts, first_failed_at, next_attempt_at)
            SELECT DISTINCT ON (provider, key) provider, key, error, 0, now(), now() + :delay FROM {_TMP}
            ON CONFLICT (provider, key) DO UPDATE SET
              error = EXCLUDED.error,
              attempts = CASE WHEN {_RESTART} THEN 0 ELSE r.attempts END,
              first_failed_at = CASE WHEN {_RESTART} THEN now() ELSE r.first_failed_at END,
              next_attempt_at = CASE WHEN {_RESTART} THEN EXCLUDED.next_attempt_at ELSE r.next_attempt_at END,
              resolved_at = NULL""").bindparams(sa.bindparam("delay", type_=sa.Interval), _GAVE_UP),
            {"delay": first_delay})
    return n


def claim_due(conn: sa.Connection, *, limit: int, lease: timedelta,
              as_of: datetime | None = None) -> list[DueKey]:
    """Take up to `limit` due keys, longest-waiting first, and move them `lease` ahead (SKIP LOCKED).

    Args:
        conn: an open connection; commit soon, so the lease is what keeps other runs off these keys.
        limit: at most this many keys.
        lease: how long the claim holds if the run dies before it records the outcome.
        as_of: the time "due" is judged at; None means now.

    Returns:
        The claimed keys with their attempts so far.
    """
    rows = conn.execute(sa.text(f"""
        WITH due AS (
          SELECT provider, key FROM {_T}
          WHERE resolved_at IS NULL AND next_attempt_at <= coalesce(:as_of, now())
          ORDER BY next_attempt_at LIMIT :n FOR UPDATE SKIP LOCKED)
        UPDATE {_T} r SET next_attempt_at = now() + :lease FROM due
        WHERE r.provider = due.provider AND r.key = due.key
        RETURNING r.provider, r.key, r.attempts, r.error""").bindparams(
        sa.bindparam("lease", type_=sa.Interval), sa.bindparam("as_of", type_=sa.DateTime(timezone=True))),
        {"n": limit, "lease": lease, "as_of": as_of}).all()
    return [DueKey(r.provider, r.key, r.attempts, r.error) for r in rows]


def due_count(conn: sa.Connection) -> int:
    """How many keys are due now (the recheck schedule skips its run when none are)."""
    return int(conn.execute(sa.text(
        f"SELECT count(*) FROM {_T} WHERE resolved_at IS NULL AND next_attempt_at <= now()")).scalar_one())


def resolve(conn: sa.Connection, keys: Iterable[tuple[str, str]]) -> int:
    """Mark these (provider, key) pairs answered."""
    pairs = sorted(set(keys))
    if not pairs:
        return 0
    return conn.execute(sa.text(f"""
        UPDATE {_T} r SET resolved_at = now() FROM unnest(:providers, :keys) AS k(provider, key)
        WHERE r.provider = k.provider AND r.key = k.key AND r.resolved_at IS NULL""").bindparams(*_PAIRS),
        {"providers": [p for p, _ in pairs], "keys": [k for _, k in pairs]}).rowcount


def schedule_next(conn: sa.Connection, failed: Iterable[tuple[str, str, str, int, timedelta | None]]) -> int:
    """Record another failed attempt per key.

    Args:
        conn: an open connection (the caller owns the transaction).
        failed: (provider, key, error kind, attempts so far, wait before the next attempt or None to give up).

    Returns:
        The number of keys updated.
    """
    conn.execute(sa.text(f"DROP TABLE IF EXISTS {_TMP}"))
    conn.execute(sa.text(f"CREATE TEMP TABLE {_TMP} (provider text, key text, error text, attempts int, "
                         "wait_s double precision) ON COMMIT DROP"))
    rows = ((p, k, e, a, None if wait is None else wait.total_seconds()) for p, k, e, a, wait in failed)
    if not copy_rows(conn, _TMP, ("provider", "key", "error", "attempts", "wait_s"), rows):
        return 0
    return conn.execute(sa.text(f"""
        UPDATE {_T} r SET error = t.error, attempts = t.attempts,
          next_attempt_at = CASE WHEN t.wait_s IS NULL THEN :gave_up
                                 ELSE now() + make_interval(secs => t.wait_s) END
        FROM {_TMP} t WHERE r.provider = t.provider AND r.key = t.key""").bindparams(_GAVE_UP)).rowcount


def given_up(conn: sa.Connection, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Those of these (provider, key) pairs the recheck job gave up on."""
    pairs = sorted(set(keys))
    if not pairs:
        return set()
    rows = conn.execute(sa.text(f"""
        SELECT r.provider, r.key FROM {_T} r JOIN unnest(:providers, :keys) AS k(provider, key)
          ON r.provider = k.provider AND r.key = k.key
        WHERE r.resolved_at IS NULL AND r.next_attempt_at >= :gave_up""").bindparams(*_PAIRS, _GAVE_UP),
        {"providers": [p for p, _ in pairs], "keys": [k for _, k in pairs]})
    return {(r.provider, r.key) for r in rows}


def rearm_for_leads(conn: sa.Connection, lead_ids: Iterable[str], now: datetime) -> int:
    """Make the pending (or given-up) retries of these leads' fallback lookups due at `now` with a fresh
    attempt count: the review queue rechecks a held lead every `review.recheck.interval_hours`, whatever the
    key's own backoff says."""
    return conn.execute(sa.text(f"""
        UPDATE {_T} r SET next_attempt_at = :now, attempts = 0
        FROM leadgate.enrichments e
        WHERE e.lead_id = ANY(:ids) AND e.answer_source IN ('neutral', 'stale_cache')
          AND r.provider = e.provider AND r.key = e.lookup_key AND r.resolved_at IS NULL
          AND r.next_attempt_at > :now
    """), {"ids": list(lead_ids), "now": now}).rowcount
