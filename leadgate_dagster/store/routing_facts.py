"""What routing reads about leads already decided: the owner of each lead's person, and the routed leads an
owner holds (to move them when the owner leaves)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa

ROUTED = ("ROUTE_SDR", "ROUTE_AE")


def owner_context(conn: sa.Connection, lead_ids: Sequence[str]) -> pd.DataFrame:
    """Per lead (index lead_id): its current disposition, owner and owner rule, its person, and the owner of
    the person's most recently decided other lead that has one."""
    rows = conn.execute(sa.text("""
        SELECT q.lead_id, d.disposition, d.owner_email, d.owner_rule, lp.person_id, o.owner_email AS person_owner
        FROM unnest(CAST(:ids AS text[])) q(lead_id)
        LEFT JOIN leadgate.dispositions d ON d.lead_id = q.lead_id AND d.is_current
        LEFT JOIN leadgate.lead_person lp ON lp.lead_id = q.lead_id
        LEFT JOIN LATERAL (
          SELECT od.owner_email FROM leadgate.lead_person other
          JOIN leadgate.dispositions od ON od.lead_id = other.lead_id AND od.is_current
          WHERE other.person_id = lp.person_id AND other.lead_id <> q.lead_id AND od.owner_email IS NOT NULL
          ORDER BY od.decided_at DESC, od.disposition_id DESC LIMIT 1) o ON true
    """), {"ids": list(lead_ids)}).all()
    columns = ["lead_id", "disposition", "owner_email", "owner_rule", "person_id", "person_owner"]
    return pd.DataFrame([tuple(r) for r in rows], columns=columns, dtype=object).set_index("lead_id")


def routed_leads_of(conn: sa.Connection, owner_emails: Sequence[str]) -> list[str]:
    """Leads whose current decision is routed to one of these owners."""
    return list(conn.execute(sa.text("""
        SELECT lead_id FROM leadgate.dispositions
        WHERE is_current AND owner_email = ANY(:e) AND disposition = ANY(:routed) ORDER BY lead_id
    """), {"e": list(owner_emails), "routed": list(ROUTED)}).scalars())


def unowned_leads(conn: sa.Connection, code: str) -> list[str]:
    """Routed leads whose current decision carries `code` (no owner could take them)."""
    return list(conn.execute(sa.text("""
        SELECT lead_id FROM leadgate.dispositions
        WHERE is_current AND :code = ANY(reason_codes) AND disposition = ANY(:routed) ORDER BY lead_id
    """), {"code": code, "routed": list(ROUTED)}).scalars())
