"""What routing reads about leads already decided: the owner of each lead's person, and the routed leads an
owner holds (to move them when the owner leaves)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

ROUTED = ("ROUTE_SDR", "ROUTE_AE")


def person_owners(conn: sa.Connection, lead_ids: Sequence[str]) -> dict[str, tuple[str | None, str]]:
    """Per lead: its person and the owner of the person's most recently decided other lead that has one
    (None when no other lead of the person has an owner), for the leads the identity graph linked."""
    rows = conn.execute(sa.text("""
        SELECT q.lead_id, lp.person_id, o.owner_email
        FROM unnest(CAST(:ids AS text[])) q(lead_id)
        JOIN leadgate.lead_person lp ON lp.lead_id = q.lead_id
        LEFT JOIN LATERAL (
          SELECT d.owner_email FROM leadgate.lead_person other
          JOIN leadgate.dispositions d ON d.lead_id = other.lead_id AND d.is_current
          WHERE other.person_id = lp.person_id AND other.lead_id <> q.lead_id AND d.owner_email IS NOT NULL
          ORDER BY d.decided_at DESC, d.disposition_id DESC LIMIT 1) o ON true
    """), {"ids": list(lead_ids)}).all()
    return {r.lead_id: (r.owner_email, r.person_id) for r in rows}


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
