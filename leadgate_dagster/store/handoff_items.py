"""Routed leads without an owner as `handoff_exception` review items, kept in step with the decisions the way
held leads are (store/review_intake.py): in the transaction that writes the decision.

A lead's current decision carrying the no-owner code has one open item with that code; once the decision no
longer carries it (an owner was assigned, the lead was decided otherwise) the code leaves the item, and an
item left with no code is resolved by whatever decided the lead. The CRM handoff may put codes of its own on
the same item (one open handoff_exception per lead), which this leaves alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from leadgate_dagster.core.review.clock import ReviewClock

_OPEN = "status IN ('open', 'in_progress')"
_DUE = """:now + make_interval(secs => :sla_s), :now + make_interval(secs => :fallback_s),
          :now + make_interval(secs => :ttl_s)"""


def sync_no_owner(conn: sa.Connection, lead_ids: Sequence[str], *, code: str, clock: ReviewClock,
                  now: datetime, any_carry: bool = True) -> tuple[int, int]:
    """Open (or add `code` to) the handoff_exception item of each of these leads whose current decision
    carries `code` (`any_carry` False: the caller knows none does), and take it off the others' items; returns
    (opened or added to, resolved or trimmed)."""
    params = {"ids": list(lead_ids), "code": code, "now": now, **clock.seconds()}
    opened = conn.execute(sa.text(f"""
        INSERT INTO leadgate.review_items AS r (kind, lead_id, source, disposition_id, reason_codes, created_at,
                                                updated_at, due_at, fallback_at, expires_at)
        SELECT 'handoff_exception', d.lead_id, l.source, d.disposition_id, ARRAY[CAST(:code AS text)], :now, :now,
               {_DUE}
        FROM leadgate.dispositions d JOIN leadgate.leads l ON l.lead_id = d.lead_id
        WHERE d.is_current AND d.lead_id = ANY(:ids) AND :code = ANY(d.reason_codes)
        ON CONFLICT (lead_id, kind, candidate_lead_id) WHERE {_OPEN} DO UPDATE
          SET reason_codes = array_append(r.reason_codes, :code), version = r.version + 1,
              updated_at = EXCLUDED.updated_at
          WHERE NOT :code = ANY(r.reason_codes)
    """), params).rowcount if any_carry else 0
    # an item whose only code this is gets resolved (its codes kept: why it was raised); otherwise the code goes
    closed = conn.execute(sa.text(f"""
        WITH changed AS (
          UPDATE leadgate.review_items r SET
            reason_codes = CASE WHEN r.reason_codes = ARRAY[CAST(:code AS text)] THEN r.reason_codes
                                ELSE array_remove(r.reason_codes, :code) END,
            status = CASE WHEN r.reason_codes = ARRAY[CAST(:code AS text)] THEN 'resolved' ELSE r.status END,
            resolved_at = CASE WHEN r.reason_codes = ARRAY[CAST(:code AS text)] THEN :now END,
            resolved_by = CASE WHEN r.reason_codes = ARRAY[CAST(:code AS text)] THEN d.decided_by END,
            resolution = CASE WHEN r.reason_codes <> ARRAY[CAST(:code AS text)] THEN NULL
                              WHEN d.owner_email IS NULL THEN 'redecided' ELSE 'owner_assigned' END,
            version = r.version + 1, updated_at = :now
          FROM leadgate.dispositions d
          WHERE r.kind = 'handoff_exception' AND r.{_OPEN} AND r.lead_id = ANY(:ids) AND :code = ANY(r.reason_codes)
            AND d.lead_id = r.lead_id AND d.is_current AND NOT :code = ANY(d.reason_codes)
          RETURNING r.review_id, r.lead_id, r.status, r.resolution, r.assignee, d.decided_by, d.disposition,
                    d.owner_email, d.disposition_id
        ), logged AS (
          INSERT INTO leadgate.review_decisions (review_id, lead_id, action, actor, before, after, disposition_id,
                                                 decided_at)
          SELECT c.review_id, c.lead_id, c.resolution, c.decided_by, jsonb_build_object('assignee', c.assignee),
                 jsonb_build_object('status', 'resolved', 'disposition', c.disposition, 'owner', c.owner_email),
                 c.disposition_id, :now
          FROM changed c WHERE c.status = 'resolved'
        )
        SELECT count(*) FROM changed
    """), params).scalar_one()
    return opened, int(closed)
