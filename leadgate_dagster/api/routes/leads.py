"""POST /v1/leads: durable intake. Events are written before the 202 is sent; a retried request with the same
Idempotency-Key gets the stored answer, byte for byte, and writes nothing."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from leadgate_dagster.api.admission import admit
from leadgate_dagster.api.errors import ERROR_RESPONSES
from leadgate_dagster.api.intake_answer import items_of, renderer, respond
from leadgate_dagster.api.openapi import SECURED, json_body
from leadgate_dagster.core.lead_body import LeadIn, lead_errors
from leadgate_dagster.gate.api_intake import accept_leads

router = APIRouter(prefix="/v1", tags=["intake"])


class AcceptedLead(BaseModel):
    lead_id: str
    index: int
    replay_of: str | None = None
    error: str | None = None


class IntakeAck(BaseModel):
    accepted: int
    lead_ids: list[str]
    leads: list[AcceptedLead]
    idempotency_key: str | None = None


@router.post("/leads", status_code=202, response_model=IntakeAck, responses=ERROR_RESPONSES,
             openapi_extra={**SECURED, **json_body(LeadIn.model_json_schema(), "one lead object, or a list of them",
                                                      max_items=1000)})
async def post_leads(request: Request) -> Response:
    admitted = await admit(request, "leads")

    def handle() -> Response:
        rules = admitted.rules
        items = items_of(admitted, "leads", max_items=rules.api.max_leads_per_request, item_errors=lead_errors)
        return respond(admitted, lambda: accept_leads(
            admitted.engine, items, caller=admitted.caller, idempotency_key=admitted.idempotency_key, rules=rules,
            render=renderer(IntakeAck)), batch=len(items) > 1)

    return await run_in_threadpool(handle)
