"""One review item as the console's item page shows it, explaining itself: the item and its decision log,
the lead (and for a pair, the other lead) as given, every check that fired with the catalogue's sentence, the
score breakdown and adjustments, the enrichment answers, the consent evidence, the lead's decisions, and for a
merge candidate or audit each compared field's level and weight beside both records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.review.match_fields import FIELD_COLUMNS, MatchExplanation, read_explanation
from leadgate_dagster.core.review.score_breakdown import Breakdown, breakdown
from leadgate_dagster.gate.lead_status import check_order
from leadgate_dagster.gate.review_read import show_item
from leadgate_dagster.store import review_page

# the lead as given, in the order a person reads a lead; consent evidence apart
PERSON_FIELDS = ("first_name", "last_name", "full_name", "email", "phone", "mobile", "job_title", "company",
                 "website", "industry", "employee_count", "street", "city", "region", "postal_code", "country",
                 "source", "partner_id", "campaign", "utm_source", "utm_medium", "utm_campaign", "landing_page",
                 "referrer", "product_interest", "demo_requested", "received_at", "external_id")
CONSENT_FIELDS = ("consent_email", "consent_sms", "consent_voice", "consent_capture", "consent_at",
                  "consent_text_version", "consent_text_hash", "consent_url", "consent_certificate_id",
                  "screenshot_hash", "submitted_at", "ip", "user_agent", "device_fingerprint")


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One compared field of a pair: both records' values, the level and the weight."""

    field: str
    level: str
    meaning: str
    weight: float
    lead: tuple[tuple[str, Any], ...]  # (column, value) of each lead column the field is computed from
    candidate: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class ItemPage:
    item: dict[str, Any]
    reasons: list[tuple[str, str | None]]  # the item's codes with their sentences
    lead: dict[str, Any] | None
    candidate: dict[str, Any] | None
    checks: list[dict[str, Any]]  # the lead's checks, with `sentence`
    breakdown: Breakdown
    decisions: list[dict[str, Any]]  # the lead's dispositions, newest first
    enrichments: list[dict[str, Any]]
    match: MatchExplanation | None
    compared: list[FieldRow]


def item_page(engine: sa.Engine, review_id: int) -> ItemPage:
    """Everything the item page shows; raises ReviewNotFound."""
    item = show_item(engine, review_id)
    lead_id, other = item["lead_id"], item.get("candidate_lead_id")
    with engine.connect() as conn:
        leads = review_page.leads_by_id(conn, [lead_id, *([other] if other else [])])
        checks = sorted((c for c in review_page.checks_of(conn, [lead_id])), key=check_order)
        decisions = review_page.decisions_of_lead(conn, lead_id)
        enrichments = review_page.enrichments_of(conn, lead_id)
        evidence = review_page.merge_evidence(conn, item["merge_id"]) if item.get("merge_id") else None
    current = next((d for d in decisions if d["is_current"]), None)
    match = _match(item, evidence)
    lead, candidate = leads.get(lead_id), leads.get(other) if other else None
    return ItemPage(
        item=item, reasons=[(c, _sentence(c)) for c in item["reason_codes"]], lead=lead, candidate=candidate,
        checks=[{**c, "sentence": _sentence(c["code"])} for c in checks],
        breakdown=breakdown(current["score_inputs"] if current else None), decisions=decisions,
        enrichments=enrichments, match=match, compared=_compared(match, lead, candidate) if match else [])


def _sentence(code: str) -> str | None:
    return CATALOGUE[code].sentence if code in CATALOGUE else None


def _match(item: dict[str, Any], evidence: dict[str, Any] | None) -> MatchExplanation | None:
    """A pair's explanation; for an audited person merge, its weakest joining edge's (the one that set the
    merge's tier and probability)."""
    if item.get("candidate_lead_id") is None and evidence is None:
        return None
    text = item.get("explanation")
    if not text and evidence:
        edges = sorted(evidence.get("edges") or [], key=lambda e: e.get("probability") or 0)
        text = edges[0].get("explanation") if edges else None
    return read_explanation(text)


def _compared(match: MatchExplanation, lead: dict[str, Any] | None,
              candidate: dict[str, Any] | None) -> list[FieldRow]:
    def values(row: dict[str, Any] | None, field: str) -> tuple[tuple[str, Any], ...]:
        return tuple((c, (row or {}).get(c)) for c in FIELD_COLUMNS.get(field, (field,)))

    return [FieldRow(f.field, f.level, f.meaning, f.weight, values(lead, f.field), values(candidate, f.field))
            for f in match.fields]


def last_decision(engine: sa.Engine, review_id: int) -> dict[str, Any] | None:
    """The newest decision-log row of an item, for the line confirming what was just done."""
    with engine.connect() as conn:
        return review_page.last_decision(conn, review_id)
