"""POST /v1/leads: durable intake. Events are written before the 202 is sent; a retried request with the same
Idempotency-Key gets the stored answer and writes nothing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, HTTPException
from pydantic import BaseModel

from leadgate_dagster.api.deps import EngineDep, IdempotencyKeyDep, RulesDep, SourceDep
from leadgate_dagster.core.lead_answers import LeadVerdict
from leadgate_dagster.gate.api_intake import accept_leads

router = APIRouter(prefix="/v1", tags=["intake"])


class AcceptedLead(BaseModel):
    lead_id: str
    index: int
    replay_of: str | None = None
    error: str | None = None
    verdict: LeadVerdict | None = None  # null only if the verdict engine failed; the lead is stored regardless


class IntakeAck(BaseModel):
    accepted: int
    lead_ids: list[str]
    leads: list[AcceptedLead]
    idempotency_key: str | None = None
    replayed_request: bool = False


@router.post("/leads", status_code=202, response_model=IntakeAck)
def post_leads(engine: EngineDep, rules: RulesDep,
               body: Any = Body(..., description="one lead object, or a list of them"),
               key: IdempotencyKeyDep = None, source: SourceDep = None) -> IntakeAck:
    items = body if isinstance(body, list) else [body]
    if not items:
        raise HTTPException(status_code=422, detail="the body holds no leads")
    if len(items) > 1000:
        raise HTTPException(status_code=413, detail="at most 1000 leads per request")
    try:
        return IntakeAck(**accept_leads(engine, items, idempotency_key=key, source=source or "api", rules=rules))
    except ValueError as exc:  # same key, different body
        raise HTTPException(status_code=409, detail=str(exc)) from exc
