"""Behaviour events: inserted once per event_id, read per set of leads, and the leads a re-score must revisit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.store.bulk import copy_rows

COLUMNS = ("event_id", "lead_id", "email_key", "event_type", "occurred_at", "source", "payload")


def insert(conn: sa.Connection, rows: pd.DataFrame) -> set[str]:
    """Insert events (COLUMNS); an event_id already stored is left alone. Returns the event_ids that were new."""
    if rows.empty:
        return set()
    conn.execute(sa.text("DROP TABLE IF EXISTS tmp_behavior_events_in"))
    conn.execute(sa.text(f"CREATE TEMP TABLE tmp_behavior_events_in ON COMMIT DROP AS SELECT {', '.join(COLUMNS)} "
                         "FROM leadgate.behavior_events WITH NO DATA"))
    values = rows[list(COLUMNS)].astype(object).where(rows[list(COLUMNS)].notna(), None)
    copy_rows(conn, "tmp_behavior_events_in", COLUMNS, values.itertuples(index=False, name=None))
    return set(conn.execute(sa.text(f"""
        INSERT INTO leadgate.behavior_events ({', '.join(COLUMNS)})
        SELECT DISTINCT ON (event_id) {', '.join(COLUMNS)} FROM tmp_behavior_events_in
        ON CONFLICT (event_id) DO NOTHING RETURNING event_id
    """)).scalars().all())


def for_leads(conn: sa.Connection, lead_ids: Sequence[str], *, since: datetime | None = None) -> pd.DataFrame:
    """The events of these leads, by lead_id, by the lead's email identity key, or of another lead of the same
    person (a duplicate's activity counts for the person's routed lead), occurred at or after `since` (None:
    all): one row per (lead, event) with lead_id, event_type, occurred_at (UTC)."""
    # times travel as epoch seconds: building 100k tz-aware datetimes one by one costs seconds, the cast none
    frame = pd.read_sql(sa.text("""
        WITH l AS (SELECT lead_id, email_key FROM leadgate.leads WHERE lead_id = ANY(:ids))
        SELECT l.lead_id, e.event_id, e.event_type, extract(epoch FROM e.occurred_at)::float8 AS occurred_epoch
        FROM l JOIN leadgate.behavior_events e ON e.lead_id = l.lead_id
        WHERE e.occurred_at >= COALESCE(CAST(:since AS timestamptz), '-infinity')
        UNION
        SELECT l.lead_id, e.event_id, e.event_type, extract(epoch FROM e.occurred_at)::float8
        FROM l JOIN leadgate.behavior_events e ON e.email_key = l.email_key
        WHERE l.email_key IS NOT NULL AND e.occurred_at >= COALESCE(CAST(:since AS timestamptz), '-infinity')
        UNION
        SELECT l.lead_id, e.event_id, e.event_type, extract(epoch FROM e.occurred_at)::float8
        FROM l JOIN leadgate.lead_person me ON me.lead_id = l.lead_id
        JOIN leadgate.lead_person other ON other.person_id = me.person_id AND other.lead_id <> me.lead_id
        JOIN leadgate.behavior_events e ON e.lead_id = other.lead_id
        WHERE e.occurred_at >= COALESCE(CAST(:since AS timestamptz), '-infinity')
    """), conn, params={"ids": list(lead_ids), "since": since})
    frame["occurred_at"] = pd.to_datetime(frame.pop("occurred_epoch"), unit="s", utc=True)
    return frame


def rescore_candidates(conn: sa.Connection, *, since: datetime | None, until: datetime,
                       boundaries_days: Sequence[float]) -> list[str]:
    """Leads with a current disposition by the machine (never a reviewer's) that a re-score must revisit:
    an event of theirs was received in (since, until], or one of their events crossed an age boundary in
    that window (occurred_at + boundary in (since, until]), where the decision may flip by decay alone."""
    params = {"since": since, "until": until, "days": [float(d) for d in boundaries_days]}
    return list(conn.execute(sa.text("""
        WITH touched AS (
            SELECT lead_id, email_key FROM leadgate.behavior_events
            WHERE received_at > COALESCE(CAST(:since AS timestamptz), '-infinity') AND received_at <= :until
            UNION
            SELECT e.lead_id, e.email_key
            FROM leadgate.behavior_events e, unnest(CAST(:days AS float8[])) AS b(days)
            WHERE e.occurred_at + make_interval(secs => b.days * 86400)
                  > COALESCE(CAST(:since AS timestamptz), '-infinity')
              AND e.occurred_at + make_interval(secs => b.days * 86400) <= :until),
        leads AS (
            SELECT l.lead_id FROM touched t JOIN leadgate.leads l ON l.lead_id = t.lead_id
            UNION
            SELECT l.lead_id FROM touched t JOIN leadgate.leads l ON l.email_key = t.email_key
            WHERE t.email_key IS NOT NULL
            UNION
            SELECT other.lead_id FROM touched t JOIN leadgate.lead_person me ON me.lead_id = t.lead_id
            JOIN leadgate.lead_person other ON other.person_id = me.person_id)
        SELECT d.lead_id FROM leads JOIN leadgate.dispositions d ON d.lead_id = leads.lead_id AND d.is_current
        WHERE d.decided_by NOT LIKE 'reviewer%' ORDER BY d.lead_id
    """), params).scalars())
