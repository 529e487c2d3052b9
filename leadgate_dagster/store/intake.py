"""Durable intake: files and events, replay detection, and batch claims with a lease. All SQL, set-based."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from leadgate_dagster.core.intake_keys import batch_id_now
from leadgate_dagster.store.bulk import copy_rows
from leadgate_dagster.store.tables import batches, intake_events, intake_files

EVENT_COLUMNS = ("lead_id", "channel", "source", "file_id", "record_no", "payload", "fields", "extra", "intake_codes",
                 "parse_error", "parse_detail", "idempotency_key", "key_kind")

# One writer at a time decides what is an original and what a replay; inserts are short, so this is cheap.
_INTAKE_LOCK = 7_215_002
_CLAIM_LOCK = 7_215_003


def file_seen(conn: sa.Connection, file_id: str) -> Mapping[str, Any] | None:
    row = conn.execute(sa.select(intake_files).where(intake_files.c.file_id == file_id)).mappings().first()
    return dict(row) if row else None


def record_file(conn: sa.Connection, row: Mapping[str, Any]) -> bool:
    """Register a file by content hash; False when that content was registered before (not ingested twice)."""
    stmt = pg_insert(intake_files).values(**row).on_conflict_do_nothing(index_elements=["file_id"])
    return conn.execute(stmt.returning(intake_files.c.file_id)).first() is not None


def mark_file_parsed(conn: sa.Connection, file_id: str, *, record_count: int,
                     file_format: str | None = None) -> None:
    """The file's records are all intake events now; `file_format` replaces the one sniffed on registering."""
    values: dict[str, Any] = {"status": "parsed", "record_count": record_count, "parsed_at": sa.func.now()}
    if file_format is not None:
        values["format"] = file_format
    _update_file(conn, file_id, values)


def mark_file_rejected(conn: sa.Connection, file_id: str, *, error_code: str, error_detail: str,
                       record_count: int | None = None) -> None:
    values: dict[str, Any] = {"status": "rejected", "error_code": error_code, "error_detail": error_detail}
    if record_count is not None:
        values["record_count"] = record_count
    _update_file(conn, file_id, values)


def _update_file(conn: sa.Connection, file_id: str, values: Mapping[str, Any]) -> None:
    conn.execute(sa.update(intake_files).where(intake_files.c.file_id == file_id).values(**values))


def insert_events(conn: sa.Connection, rows: Sequence[Mapping[str, Any]], *, replay_window_hours: float) -> int:
    """Insert intake events (idempotently) and link each replay to the record it replays.

    A replay is kept as its own event (nothing vanishes) with `replay_of` set: same external-id key at any
    time, or same content key within the replay window.
    """
    if not rows:
        return 0
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _INTAKE_LOCK})
    # COPY into a temp table, then one INSERT ... ON CONFLICT DO NOTHING: thousands of rows, two statements
    conn.execute(sa.text("DROP TABLE IF EXISTS tmp_intake_events"))
    conn.execute(sa.text(f"CREATE TEMP TABLE tmp_intake_events ON COMMIT DROP AS "
                         f"SELECT {', '.join(EVENT_COLUMNS)} FROM leadgate.intake_events WITH NO DATA"))
    copy_rows(conn, "tmp_intake_events", EVENT_COLUMNS, ([row.get(c) for c in EVENT_COLUMNS] for row in rows))
    new_ids = list(conn.execute(sa.text(f"""
        INSERT INTO leadgate.intake_events ({', '.join(EVENT_COLUMNS)})
        SELECT {', '.join(EVENT_COLUMNS)} FROM tmp_intake_events ON CONFLICT DO NOTHING RETURNING event_id
    """)).scalars())
    if new_ids:
        conn.execute(
            sa.text("""
                WITH m AS (
                    SELECT e.event_id, (
                        SELECT p.lead_id FROM leadgate.intake_events p
                        WHERE p.idempotency_key = e.idempotency_key AND p.replay_of IS NULL
                          AND p.event_id < e.event_id
                          AND (e.key_kind = 'external'
                               OR p.received_at >= e.received_at - make_interval(secs => :window))
                        ORDER BY p.event_id LIMIT 1) AS original
                    FROM leadgate.intake_events e WHERE e.event_id = ANY(:ids))
                UPDATE leadgate.intake_events t SET replay_of = m.original,
                       intake_codes = array_append(t.intake_codes, 'INTAKE_REPLAY')
                FROM m WHERE t.event_id = m.event_id AND m.original IS NOT NULL
            """),
            {"ids": new_ids, "window": replay_window_hours * 3600},
        )
    return len(new_ids)


def replays_of(conn: sa.Connection, lead_ids: Sequence[str]) -> dict[str, str | None]:
    """lead_id -> the lead_id it replays (None for an original), for these events."""
    return dict(conn.execute(sa.select(intake_events.c.lead_id, intake_events.c.replay_of).where(
        intake_events.c.lead_id.in_(list(lead_ids)))).tuples().all())


def unparseable_leads(conn: sa.Connection, lead_ids: Sequence[str]) -> set[str]:
    """Those of these leads whose record could not be parsed."""
    return set(conn.execute(sa.text(
        "SELECT lead_id FROM leadgate.intake_events WHERE lead_id = ANY(:ids) AND parse_error IS NOT NULL"),
        {"ids": list(lead_ids)}).scalars())


_CLAIMABLE = """processed_at IS NULL AND (batch_id IS NULL OR lease_expires_at < now())
                 AND (channel <> 'file' OR received_at < now() - make_interval(secs => :grace))"""


def claim_batches(
    engine: sa.Engine, *, max_events: int, max_batches: int, lease_seconds: float, file_grace_seconds: float = 0
) -> list[tuple[str, int]]:
    """Claim pending events (and those whose lease expired) into up to `max_batches` new batches.

    Each batch gets at most `max_events` events in arrival order. File events younger than
    `file_grace_seconds` are left alone: the inbox sensor claims its files' events itself at the end of its
    tick, so a burst of files lands in one batch instead of being split by the batch sensor mid-tick.
    Returns [(batch_id, n_events)].
    """
    claimed: list[tuple[str, int]] = []
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CLAIM_LOCK})
        for _ in range(max_batches):
            batch_id = batch_id_now(datetime.now(UTC).isoformat())
            n = conn.execute(
                sa.text("""
                    WITH c AS (
                        SELECT event_id FROM leadgate.intake_events WHERE """ + _CLAIMABLE + """
                        ORDER BY event_id LIMIT :n FOR UPDATE SKIP LOCKED)
                    UPDATE leadgate.intake_events e
                    SET batch_id = :b, claimed_at = now(),
                        lease_expires_at = now() + make_interval(secs => :lease)
                    FROM c WHERE e.event_id = c.event_id
                """),
                {"n": max_events, "b": batch_id, "lease": lease_seconds, "grace": file_grace_seconds},
            ).rowcount
            if not n:
                break
            conn.execute(pg_insert(batches).values(batch_id=batch_id, event_count=n, status="claimed"))
            claimed.append((batch_id, n))
    return claimed


def pending_count(conn: sa.Connection) -> int:
    return conn.execute(
        sa.select(sa.func.count()).select_from(intake_events).where(intake_events.c.processed_at.is_(None))
    ).scalar_one()


def events_of_batch(conn: sa.Connection, batch_id: str) -> list[Mapping[str, Any]]:
    return list(
        conn.execute(
            sa.select(intake_events).where(intake_events.c.batch_id == batch_id).order_by(intake_events.c.event_id)
        ).mappings()
    )


def mark_batch_done(conn: sa.Connection, batch_id: str) -> None:
    conn.execute(
        sa.update(intake_events)
        .where(intake_events.c.batch_id == batch_id, intake_events.c.processed_at.is_(None))
        .values(processed_at=sa.func.now())
    )
    conn.execute(
        sa.update(batches).where(batches.c.batch_id == batch_id).values(status="done", done_at=sa.func.now())
    )


def batches_done_before(conn: sa.Connection, cutoff: datetime) -> list[str]:
    """Ids of the batches finished before `cutoff` (housekeeping prunes their Dagster partitions)."""
    return list(conn.execute(
        sa.text("SELECT batch_id FROM leadgate.batches WHERE status = 'done' AND done_at < :c"), {"c": cutoff},
    ).scalars())


def has_claimable(conn: sa.Connection, *, file_grace_seconds: float = 0) -> bool:
    """Whether any event awaits a batch (new, or its lease expired); cheap enough to poll."""
    return conn.execute(sa.text("SELECT EXISTS (SELECT 1 FROM leadgate.intake_events WHERE " + _CLAIMABLE + ")"),
                        {"grace": file_grace_seconds}).scalar_one()


def pending_up_to(conn: sa.Connection, bound: int) -> int:
    """The number of undecided events, counted no further than `bound` (cheap however long the backlog)."""
    return conn.execute(sa.text(
        "SELECT count(*) FROM (SELECT 1 FROM leadgate.intake_events WHERE processed_at IS NULL LIMIT :n) p"),
        {"n": bound}).scalar_one()
