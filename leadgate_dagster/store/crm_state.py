"""What a delivery reads and leaves behind: each person's state (the lead that speaks for it, with its current
decision and the golden record), the person's link to its record, and the delivery log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from psycopg.types.json import Jsonb

from leadgate_dagster.store import pg_text


def person_states(conn: sa.Connection, person_ids: Sequence[str], *, rank: Sequence[str]) -> dict[str, dict[str, Any]]:
    """person -> its state, in one statement (a consistent snapshot).

    The lead that speaks for a person is the one whose current disposition comes first in `rank` (the handoff
    dispositions in order, then the rest), an original before a replay, the latest decided first. The row holds
    every column of that disposition (`d.*`: whatever a later migration adds comes along, the owner included),
    the lead's open next step from routing as `task_subject` / `task_due_at` / `meeting_link`, the lead's source
    and contact fields, the golden record as `golden` and the person's link (`crm_id`, `link_destination`,
    `synced_seq`).
    """
    if not person_ids:
        return {}
    rows = conn.execute(sa.text("""
        SELECT DISTINCT ON (lp.person_id)
               lp.person_id, k.crm_id, k.destination AS link_destination, k.synced_seq,
               l.source, l.email_normalized, l.first_name, l.last_name, l.phone_e164, l.company, l.job_title,
               l.city, l.country,
               (SELECT jsonb_object_agg(g.field, g.value) FROM leadgate.golden_records g
                WHERE g.person_id = lp.person_id) AS golden,
               d.*,
               CASE WHEN n.kind = 'task' THEN 'Follow up: ' || coalesce(n.sequence, 'new lead') END AS task_subject,
               n.due_at AS task_due_at, n.meeting_url AS meeting_link
        FROM unnest(CAST(:ids AS text[])) AS p(person_id)
        JOIN leadgate.lead_person lp ON lp.person_id = p.person_id
        JOIN leadgate.dispositions d ON d.lead_id = lp.lead_id AND d.is_current
        JOIN leadgate.leads l ON l.lead_id = lp.lead_id
        LEFT JOIN leadgate.crm_links k ON k.person_id = lp.person_id
        LEFT JOIN leadgate.next_steps n ON n.lead_id = lp.lead_id AND n.status = 'open'
        ORDER BY lp.person_id, COALESCE(array_position(CAST(:rank AS text[]), d.disposition), 1000),
                 l.replay_of IS NOT NULL, d.decided_at DESC, d.disposition_id DESC
    """), {"ids": list(person_ids), "rank": list(rank)}).mappings().all()
    return {r["person_id"]: dict(r) for r in rows}


def crm_ids(conn: sa.Connection, person_ids: Sequence[str]) -> dict[str, str]:
    """person -> CRM id, for those of these persons whose record the CRM identified."""
    return dict(conn.execute(sa.text("""
        SELECT person_id, crm_id FROM leadgate.crm_links WHERE person_id = ANY(:ids) AND crm_id IS NOT NULL
    """), {"ids": list(person_ids)}).all())


def link(conn: sa.Connection, rows: Sequence[tuple[str, str, str | None, int]], *, now: datetime) -> int:
    """(person, destination, CRM id or None, seq) delivered: the link is made or moved forward (a known CRM id
    is kept when a webhook or an older answer gives none)."""
    if not rows:
        return 0
    return conn.execute(sa.text("""
        INSERT INTO leadgate.crm_links AS k (person_id, destination, crm_id, synced_seq, synced_at)
        SELECT DISTINCT ON (p) p, d, c, s, :now
        FROM unnest(CAST(:p AS text[]), CAST(:d AS text[]), CAST(:c AS text[]), CAST(:s AS bigint[])) AS q(p, d, c, s)
        ORDER BY p, s DESC
        ON CONFLICT (person_id) DO UPDATE SET
            destination = EXCLUDED.destination, crm_id = COALESCE(EXCLUDED.crm_id, k.crm_id),
            synced_seq = GREATEST(k.synced_seq, EXCLUDED.synced_seq), synced_at = EXCLUDED.synced_at
    """), {"p": [r[0] for r in rows], "d": [r[1] for r in rows], "c": [r[2] for r in rows],
           "s": [r[3] for r in rows], "now": now}).rowcount


def unlink(conn: sa.Connection, person_ids: Sequence[str]) -> int:
    """Forget these persons' records: merged into another record, or gone from the CRM."""
    return conn.execute(sa.text("DELETE FROM leadgate.crm_links WHERE person_id = ANY(:ids)"),
                        {"ids": list(person_ids)}).rowcount


def log_deliveries(conn: sa.Connection, rows: Sequence[Mapping[str, Any]], *, now: datetime) -> int:
    """Append to the delivery log: person_id, destination, seq, crm_id, outcome, http_status, message, payload.
    The rows travel as one JSON document (an array of JSONB values would be escaped value by value)."""
    if not rows:
        return 0
    cols = ("person_id", "destination", "seq", "crm_id", "outcome", "http_status", "message", "payload")
    return conn.execute(sa.text("""
        INSERT INTO leadgate.crm_deliveries (person_id, destination, seq, crm_id, outcome, http_status, message,
                                             payload, attempted_at)
        SELECT q.person_id, q.destination, q.seq, q.crm_id, q.outcome, q.http_status, q.message, q.payload, :now
        FROM jsonb_to_recordset(:rows) AS q(person_id text, destination text, seq bigint, crm_id text, outcome text,
                                            http_status int, message text, payload jsonb)
    """), {"rows": Jsonb(pg_text.jsonb([{c: r.get(c) for c in cols} for r in rows])), "now": now}).rowcount


def outcome_counts(conn: sa.Connection, *, since: datetime) -> dict[str, int]:
    """Deliveries per outcome since `since`."""
    return {r.outcome: int(r.n) for r in conn.execute(sa.text(
        "SELECT outcome, count(*) AS n FROM leadgate.crm_deliveries WHERE attempted_at >= :since GROUP BY outcome"),
        {"since": since}).all()}
