"""The qualified_leads contract's reads and writes: the view's rows it checks, and its alerts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from leadgate_dagster.store.tables import alerts

ALERT_KIND = "contract_failed"
# the view's columns the expectations read (no contact data: nothing personal reaches a result or an alert)
CHECKED_COLUMNS = ("lead_id", "disposition", "qa_status", "qa_score", "qa_score_reachability",
                   "qa_score_consent", "qa_score_fit", "qa_reason", "qa_at", "consent_checked_at",
                   "consent_email_state", "consent_sms_state", "consent_voice_state", "allowed_channels",
                   "ruleset_version", "model_version", "phone_status", "phone_type", "country_iso2",
                   "qa_engagement_score", "qa_priority_score", "owner_email", "account_match_confidence")


def contract_rows(conn: sa.Connection, since: datetime | None = None) -> pd.DataFrame:
    """The view's rows decided at or after `since` (all rows when None), CHECKED_COLUMNS plus
    `reachability_inputs`: the reachability inputs the current decision recorded (which phone status and line
    type it saw, after enrichment)."""
    cols = ", ".join(f"q.{c}" for c in CHECKED_COLUMNS)
    where = "WHERE q.qa_at >= :since" if since is not None else ""
    return pd.read_sql(sa.text(f"""
        SELECT {cols}, d.score_inputs -> 'reachability' AS reachability_inputs
        FROM leadgate.qualified_leads q
        LEFT JOIN leadgate.dispositions d ON d.lead_id = q.lead_id AND d.is_current
        {where} ORDER BY q.qa_at, q.lead_id
    """), conn, params={"since": since} if since is not None else None)


def open_alerts(conn: sa.Connection, failures: Iterable[Mapping[str, Any]]) -> int:
    """One open alert per failed expectation (subject = its name), refreshed while it keeps failing.

    Args:
        conn: an open connection (the caller owns the transaction).
        failures: per failed expectation: `subject`, `message` and `details` (JSON-safe).

    Returns:
        The number of alerts opened or refreshed.
    """
    rows = [{"kind": ALERT_KIND, "subject": f["subject"], "severity": "error", "message": f["message"],
             "details": dict(f["details"])} for f in failures]
    if not rows:
        return 0
    stmt = pg_insert(alerts).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=[alerts.c.kind, alerts.c.subject], index_where=alerts.c.resolved_at.is_(None),
        set_={"message": stmt.excluded.message, "details": stmt.excluded.details,
              "severity": stmt.excluded.severity})
    conn.execute(stmt)
    return len(rows)  # each row either opened an alert or refreshed the open one


def resolve_alerts(conn: sa.Connection, still_failing: Iterable[str]) -> int:
    """Resolve the open contract alerts whose expectation no longer fails; returns how many."""
    return conn.execute(
        sa.update(alerts).where(alerts.c.kind == ALERT_KIND, alerts.c.resolved_at.is_(None),
                                alerts.c.subject.not_in(sorted(set(still_failing))))
        .values(resolved_at=sa.func.now())).rowcount
