"""What the console's item page reads beyond the item itself: the leads as given, the checks that fired, the
enrichment answers, the lead's decisions, a person merge's evidence. One statement each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.store.tables import dispositions, enrichments, lead_checks, leads, merge_log, review_decisions


def leads_by_id(conn: sa.Connection, lead_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Each known lead's row (values as given, normalized values, the validation output)."""
    rows = conn.execute(sa.select(leads).where(leads.c.lead_id.in_(list(lead_ids)))).mappings()
    return {r["lead_id"]: dict(r) for r in rows}


def checks_of(conn: sa.Connection, lead_ids: Sequence[str]) -> list[dict[str, Any]]:
    c = lead_checks
    return [dict(r) for r in conn.execute(
        sa.select(c.c.lead_id, c.c.stage, c.c.code, c.c.severity, c.c.detail, c.c.checked_at)
        .where(c.c.lead_id.in_(list(lead_ids)))).mappings()]


def enrichments_of(conn: sa.Connection, lead_id: str) -> list[dict[str, Any]]:
    e = enrichments
    return [dict(r) for r in conn.execute(
        sa.select(e.c.provider, e.c.status, e.c.answer_source, e.c.result, e.c.fetched_at)
        .where(e.c.lead_id == lead_id).order_by(e.c.provider)).mappings()]


def decisions_of_lead(conn: sa.Connection, lead_id: str) -> list[dict[str, Any]]:
    """Every disposition of the lead, newest first (the current one carries is_current)."""
    d = dispositions
    return [dict(r) for r in conn.execute(
        sa.select(d.c.disposition_id, d.c.disposition, d.c.score, d.c.score_reachability, d.c.score_consent,
                  d.c.score_fit, d.c.priority_score, d.c.engagement_score, d.c.score_inputs, d.c.reason_codes,
                  d.c.allowed_channels, d.c.ruleset_version, d.c.model_version, d.c.decided_by, d.c.decided_at,
                  d.c.is_current)
        .where(d.c.lead_id == lead_id).order_by(d.c.disposition_id.desc())).mappings()]


def merge_evidence(conn: sa.Connection, merge_id: int) -> dict[str, Any] | None:
    return conn.execute(sa.select(merge_log.c.evidence).where(merge_log.c.merge_id == merge_id)).scalar_one_or_none()


def last_decision(conn: sa.Connection, review_id: int) -> dict[str, Any] | None:
    """The newest decision-log row of an item: the console's "done" line after an action."""
    r = review_decisions
    row = conn.execute(sa.select(r.c.action, r.c.actor, r.c.after, r.c.note, r.c.decided_at)
                       .where(r.c.review_id == review_id).order_by(r.c.decision_id.desc()).limit(1)).mappings().first()
    return dict(row) if row else None


def lead_labels(conn: sa.Connection, lead_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Who each lead is, in a word: the queue's rows show it."""
    cols = (leads.c.lead_id, leads.c.first_name, leads.c.last_name, leads.c.full_name, leads.c.email, leads.c.company)
    rows = conn.execute(sa.select(*cols).where(leads.c.lead_id.in_(list(lead_ids)))).mappings()
    return {r["lead_id"]: dict(r) for r in rows}
