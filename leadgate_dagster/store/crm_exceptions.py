"""Handoff exceptions in the review queue: a person's record the CRM refused or never took becomes one
`handoff_exception` item on the lead that speaks for the person, with the reason code and the CRM's message;
the item is resolved by itself once a later delivery of the person goes through."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from leadgate_dagster.core.review.clock import ReviewClock
from leadgate_dagster.store import pg_text

KIND = "handoff_exception"


def file(conn: sa.Connection, rows: Sequence[tuple[str, str, str, str | None]], *, clock: ReviewClock,
         now: datetime) -> int:
    """(lead, reason code, the CRM's message, the other person of a refused merge): one open item per lead,
    refreshed with the latest code and message while it is open."""
    if not rows:
        return 0
    return conn.execute(sa.text("""
        INSERT INTO leadgate.review_items AS r (kind, lead_id, source, candidate_person_id, reason_codes,
                                                explanation, created_at, updated_at, due_at, fallback_at, expires_at)
        SELECT DISTINCT ON (q.l) :kind, q.l, l.source, q.other, ARRAY[q.code], q.message, :now, :now,
               :now + make_interval(secs => :sla_s), :now + make_interval(secs => :fallback_s),
               :now + make_interval(secs => :ttl_s)
        FROM unnest(CAST(:l AS text[]), CAST(:code AS text[]), CAST(:message AS text[]), CAST(:other AS text[]))
             AS q(l, code, message, other)
        LEFT JOIN leadgate.leads l ON l.lead_id = q.l
        ON CONFLICT (lead_id, kind, candidate_lead_id) WHERE status IN ('open', 'in_progress') DO UPDATE
          SET reason_codes = EXCLUDED.reason_codes, explanation = EXCLUDED.explanation,
              candidate_person_id = EXCLUDED.candidate_person_id, version = r.version + 1,
              updated_at = EXCLUDED.updated_at
    """), {"kind": KIND, "l": [r[0] for r in rows], "code": [r[1] for r in rows],
           "message": [pg_text.text(r[2]) for r in rows], "other": [r[3] for r in rows], "now": now,
           **clock.seconds()}).rowcount


def resolve_delivered(conn: sa.Connection, person_ids: Sequence[str], *, codes: Sequence[str], actor: str,
                      now: datetime) -> int:
    """Resolve the open handoff items with one of `codes` of these persons' leads (what they were about went
    through), logged."""
    if not person_ids:
        return 0
    return conn.execute(sa.text("""
        WITH gone AS (
          UPDATE leadgate.review_items r
          SET status = 'resolved', resolved_at = :now, resolved_by = :actor, resolution = 'delivered',
              version = r.version + 1, updated_at = :now
          FROM leadgate.lead_person lp
          WHERE r.kind = :kind AND r.status IN ('open', 'in_progress') AND lp.lead_id = r.lead_id
            AND lp.person_id = ANY(:ids) AND r.reason_codes && CAST(:codes AS text[])
          RETURNING r.review_id, r.lead_id, r.assignee, r.reason_codes
        )
        INSERT INTO leadgate.review_decisions (review_id, lead_id, action, actor, before, after, decided_at)
        SELECT g.review_id, g.lead_id, 'delivered', :actor,
               jsonb_build_object('assignee', g.assignee, 'reason_codes', g.reason_codes),
               jsonb_build_object('status', 'resolved'), :now
        FROM gone g
    """), {"kind": KIND, "ids": list(person_ids), "codes": list(codes), "actor": actor, "now": now}).rowcount
