"""The status answer on one lead (`GET /v1/leads/{id}`): pending until the pipeline decides it, then its
current disposition with each reason code's sentence, the checks that fired and the timestamps."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.lead_answers import CheckFired, LeadStatus, ReasonSentence
from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.store.lead_status import lead_statuses

_STAGES = ("intake", "validation", "enrichment", "identity")  # the order the pipeline records checks in
_CODE_ORDER = {code: i for i, code in enumerate(CATALOGUE)}


def lead_status(engine: sa.Engine, lead_id: str) -> LeadStatus | None:
    """Where `lead_id` stands; None when no lead has that id (the caller checks the source is the key's)."""
    with engine.connect() as conn:
        rows = lead_statuses(conn, [lead_id])
    return _status(rows[0]) if rows else None


def _status(row: dict[str, Any]) -> LeadStatus:
    checks = sorted(row["checks"], key=check_order)
    return LeadStatus(
        lead_id=row["lead_id"], status="pending" if row["disposition"] is None else "decided",
        source=row["source"], partner_id=row["partner_id"], received_at=row["received_at"],
        replay_of=row["replay_of"], disposition=row["disposition"],
        reasons=[ReasonSentence(code=c, sentence=CATALOGUE[c].sentence if c in CATALOGUE else None)
                 for c in row["reason_codes"] or []],
        checks=[CheckFired(**c) for c in checks], allowed_channels=row["allowed_channels"] or [],
        score=row["score"], owner=row["owner_email"], ruleset_version=row["ruleset_version"], decided_at=row["decided_at"],
        decided_by=row["decided_by"])


def check_order(check: dict[str, Any]) -> tuple[int, int]:
    """Checks in the order the pipeline records them (stage), then the catalogue's order of codes."""
    stage = _STAGES.index(check["stage"]) if check["stage"] in _STAGES else len(_STAGES)
    return stage, _CODE_ORDER.get(check["code"], 1 << 20)
