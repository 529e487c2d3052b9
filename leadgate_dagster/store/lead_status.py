"""Where leads stand, for the intake API's status answer: the intake event, the current disposition and the
checks that fired, one statement for any number of leads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

_STATUS = sa.text("""
    SELECT e.lead_id, e.source, e.fields ->> 'partner_id' AS partner_id, e.received_at, e.replay_of,
           d.disposition, d.reason_codes, d.allowed_channels, d.score, d.ruleset_version, d.decided_at,
           d.decided_by, d.owner_email,
           COALESCE((SELECT jsonb_agg(jsonb_build_object('stage', c.stage, 'code', c.code,
                                                         'severity', c.severity, 'detail', c.detail))
                     FROM leadgate.lead_checks c WHERE c.lead_id = e.lead_id), '[]'::jsonb) AS checks
    FROM leadgate.intake_events e
    LEFT JOIN leadgate.dispositions d ON d.lead_id = e.lead_id AND d.is_current
    WHERE e.lead_id = ANY(:ids)
""")


def lead_statuses(conn: sa.Connection, lead_ids: Sequence[str]) -> list[dict[str, Any]]:
    """One row per known lead of `lead_ids` (unknown ids are left out).

    Args:
        conn: a connection to leadgate's database.
        lead_ids: the leads asked about.

    Returns:
        Dicts with lead_id, source, partner_id (as the lead gave it), received_at, replay_of; the current
        disposition's disposition, reason_codes, allowed_channels, score, ruleset_version, decided_at,
        decided_by and owner_email (all None while the lead is pending); checks: the lead_checks rows (stage, code, severity,
        detail) in no particular order.
    """
    return [dict(r) for r in conn.execute(_STATUS, {"ids": list(lead_ids)}).mappings()]
