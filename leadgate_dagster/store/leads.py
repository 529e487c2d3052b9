"""Leads of a batch: the raw copy from intake, per-stage updates and the checks that fired."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.lead_schema import CANONICAL_FIELDS
from leadgate_dagster.store.bulk import copy_rows
from leadgate_dagster.store.tables import leads

_FIELD_COLS = ", ".join(f'"{f}"' for f in CANONICAL_FIELDS)
_FIELD_EXPRS = ", ".join(f"e.fields->>'{f}'" for f in CANONICAL_FIELDS if f != "source")

CHECK_COLUMNS = ("lead_id", "stage", "code", "severity", "detail", "ruleset_version")


def copy_raw(conn: sa.Connection, batch_id: str) -> int:
    """Copy the batch's intake events into `leads` (one row per event). Re-running only re-stamps the batch."""
    cols = _FIELD_COLS.replace('"source", ', "")
    return conn.execute(sa.text(f"""
        INSERT INTO leadgate.leads (lead_id, batch_id, channel, file_id, record_no, received_at, replay_of,
                                    source, {cols}, extra)
        SELECT e.lead_id, e.batch_id, e.channel, e.file_id, e.record_no, e.received_at, e.replay_of,
               e.source, {_FIELD_EXPRS}, e.extra
        FROM leadgate.intake_events e WHERE e.batch_id = :b
        ON CONFLICT (lead_id) DO UPDATE SET batch_id = EXCLUDED.batch_id
    """), {"b": batch_id}).rowcount


def load_batch(conn: sa.Connection, batch_id: str, *, columns: Sequence[str] = (),
               not_null: Sequence[str] = ()) -> pd.DataFrame:
    """The batch's leads (all columns, or `lead_id` + `columns`), indexed by lead_id, in arrival order; with
    `not_null`, only those that have a value in each of these columns."""
    selected = [leads.c.lead_id, *(leads.c[c] for c in columns)] if columns else [leads]
    stmt = (sa.select(*selected)
            .where(leads.c.batch_id == batch_id, *(leads.c[c].is_not(None) for c in not_null))
            .order_by(leads.c.received_at, leads.c.record_no, leads.c.lead_id))
    return pd.read_sql(stmt, conn).set_index("lead_id", drop=False).rename_axis(None)


def load_leads(conn: sa.Connection, lead_ids: Sequence[str], *, columns: Sequence[str] = ()) -> pd.DataFrame:
    """These leads (all columns, or `lead_id` + `columns`), indexed by lead_id, in arrival order."""
    cols = ", ".join(["lead_id", *(f'"{c}"' for c in columns)]) if columns else "*"
    df = pd.read_sql(
        sa.text(f"SELECT {cols} FROM leadgate.leads WHERE lead_id = ANY(:ids) ORDER BY received_at, record_no, lead_id"),
        conn, params={"ids": list(lead_ids)},
    )
    return df.set_index("lead_id", drop=False).rename_axis(None)


def mark_enriched(conn: sa.Connection, lead_ids: Sequence[str]) -> None:
    """Stamp these leads as through the enrichment stage."""
    conn.execute(sa.text("UPDATE leadgate.leads SET enriched_at = now() WHERE lead_id = ANY(:ids)"),
                 {"ids": list(lead_ids)})


def replace_checks(conn: sa.Connection, stage: str, lead_ids: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Make `rows` the checks of `stage` for these leads (delete + COPY: idempotent)."""
    conn.execute(sa.text("DELETE FROM leadgate.lead_checks WHERE stage = :s AND lead_id = ANY(:ids)"),
                 {"s": stage, "ids": list(lead_ids)})
    return copy_rows(conn, "lead_checks", CHECK_COLUMNS, rows)


def reasons_of(conn: sa.Connection, lead_ids: Sequence[str]) -> dict[str, list[str]]:
    """Every code that fired for each lead, across stages, in stage order."""
    rows = conn.execute(sa.text("""
        SELECT lead_id, array_agg(code ORDER BY CASE stage WHEN 'intake' THEN 0 WHEN 'validation' THEN 1
               WHEN 'enrichment' THEN 2 WHEN 'identity' THEN 3 ELSE 4 END, code) AS codes
        FROM leadgate.lead_checks WHERE lead_id = ANY(:ids) GROUP BY lead_id
    """), {"ids": list(lead_ids)}).all()
    return {r.lead_id: list(r.codes) for r in rows}


def mark_bounced(conn: sa.Connection, email_keys: Sequence[str]) -> int:
    """A hard bounce: every lead with one of these email identity keys gets email_status invalid and the flag
    hard_bounce (the validation engine's invalid stands over any enrichment verdict)."""
    if not email_keys:
        return 0
    return conn.execute(sa.text("""
        UPDATE leadgate.leads SET email_status = 'invalid',
               email_flags = array_append(array_remove(COALESCE(email_flags, '{}'), 'hard_bounce'), 'hard_bounce')
        WHERE email_key = ANY(:keys)
    """), {"keys": sorted(set(email_keys))}).rowcount
