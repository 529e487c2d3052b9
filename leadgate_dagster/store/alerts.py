"""Alerts: opened once per (kind, subject) while the condition lasts, resolved when it ends."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from leadgate_dagster.store import pg_text
from leadgate_dagster.store.tables import alerts

UNSCORED = "lead_unscored"


def open_alert(conn: sa.Connection, *, kind: str, subject: str, severity: str, message: str,
               details: Mapping[str, Any]) -> bool:
    """Open an alert unless one is open for (kind, subject); returns whether it was opened."""
    stmt = pg_insert(alerts).values(kind=kind, subject=subject, severity=severity, message=pg_text.text(message),
                                    details=pg_text.jsonb(dict(details)))
    stmt = stmt.on_conflict_do_nothing(index_elements=["kind", "subject"],
                                       index_where=alerts.c.resolved_at.is_(None))
    return conn.execute(stmt.returning(alerts.c.alert_id)).first() is not None


def resolve_other_subjects(conn: sa.Connection, *, kind: str, keep: str | None) -> int:
    """Resolve the open alerts of `kind` except the one about `keep` (None: all of them)."""
    stmt = sa.update(alerts).where(alerts.c.kind == kind, alerts.c.resolved_at.is_(None))
    if keep is not None:
        stmt = stmt.where(alerts.c.subject != keep)
    return conn.execute(stmt.values(resolved_at=sa.func.now())).rowcount


def resolve_alert(conn: sa.Connection, *, kind: str, subject: str) -> bool:
    """Resolve the open alert for (kind, subject), if there is one; returns whether there was."""
    return conn.execute(sa.update(alerts).where(alerts.c.kind == kind, alerts.c.subject == subject,
                                                alerts.c.resolved_at.is_(None))
                        .values(resolved_at=sa.func.now())).rowcount > 0


def open_unscored(conn: sa.Connection, *, received_before: datetime) -> int:
    """Open a `lead_unscored` alert for every intake event received before the cutoff whose lead has no
    current disposition (one open alert per lead). An event is marked processed in the transaction that
    records its lead's disposition, so only unprocessed events can be unscored: the pending partial index
    bounds the scan however long the history is."""
    return conn.execute(sa.text("""
        INSERT INTO leadgate.alerts (kind, subject, severity, message, details)
        SELECT :kind, e.lead_id, 'error',
               'lead ' || e.lead_id || ' has no disposition ' ||
               floor(extract(epoch FROM now() - e.received_at) / 60)::int || ' minutes after intake',
               jsonb_build_object('received_at', e.received_at, 'channel', e.channel, 'source', e.source,
                                  'batch_id', e.batch_id, 'claimed_at', e.claimed_at,
                                  'lease_expires_at', e.lease_expires_at)
        FROM leadgate.intake_events e
        WHERE e.processed_at IS NULL AND e.received_at < :cutoff
          AND NOT EXISTS (SELECT 1 FROM leadgate.dispositions d WHERE d.lead_id = e.lead_id AND d.is_current)
        ON CONFLICT (kind, subject) WHERE resolved_at IS NULL DO NOTHING
    """), {"kind": UNSCORED, "cutoff": received_before}).rowcount


def resolve_scored(conn: sa.Connection) -> int:
    """Resolve the open `lead_unscored` alerts whose lead now has a current disposition."""
    return conn.execute(sa.text("""
        UPDATE leadgate.alerts a SET resolved_at = now()
        WHERE a.kind = :kind AND a.resolved_at IS NULL
          AND EXISTS (SELECT 1 FROM leadgate.dispositions d WHERE d.lead_id = a.subject AND d.is_current)
    """), {"kind": UNSCORED}).rowcount


def open_summary(conn: sa.Connection, kind: str) -> dict[str, Any]:
    """How many alerts of `kind` are open, and since when the oldest."""
    row = conn.execute(sa.text("SELECT count(*) AS n, min(created_at) AS oldest FROM leadgate.alerts "
                               "WHERE kind = :k AND resolved_at IS NULL"), {"k": kind}).one()
    return {"open": int(row.n), "oldest_opened_at": row.oldest.isoformat() if row.oldest else None}


def unscored_work(conn: sa.Connection, *, received_before: datetime) -> bool:
    """Whether an unscored-alert run has anything to do: a pending event past the cutoff, or an open alert."""
    return bool(conn.execute(sa.text("""
        SELECT EXISTS (SELECT 1 FROM leadgate.intake_events WHERE processed_at IS NULL AND received_at < :cutoff)
            OR EXISTS (SELECT 1 FROM leadgate.alerts WHERE kind = :kind AND resolved_at IS NULL)
    """), {"cutoff": received_before, "kind": UNSCORED}).scalar_one())
