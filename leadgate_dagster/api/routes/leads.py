"""POST /v1/leads: durable intake. Events are written before the 202 is sent, each lead answered with an
inline verdict; a retried request with the same Idempotency-Key gets the stored answer, byte for byte, and
writes nothing. GET /v1/leads/{id}: where one of the caller's own leads stands."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from leadgate_dagster.api.admission import admit, authenticate
from leadgate_dagster.api.deps import get_engine
from leadgate_dagster.api.errors import ERROR_RESPONSES, ApiError
from leadgate_dagster.api.intake_answer import items_of, renderer, respond
from leadgate_dagster.api.openapi import SECURED, json_body
from leadgate_dagster.core.lead_answers import LeadStatus, LeadVerdict
from leadgate_dagster.core.lead_body import LeadIn, lead_errors
from leadgate_dagster.gate.api_access import OPEN
from leadgate_dagster.gate.api_intake import accept_leads
from leadgate_dagster.gate.lead_status import lead_status

router = APIRouter(prefix="/v1", tags=["intake"])


class AcceptedLead(BaseModel):
    lead_id: str
    index: int
    replay_of: str | None = None
    error: str | None = None
    verdict: LeadVerdict | None = None


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


@router.get("/leads/{lead_id}", response_model=LeadStatus,
            responses={k: v for k, v in ERROR_RESPONSES.items() if k in (401, 403, 429)} | {
                404: {"description": "no lead of the caller's source has this id"}},
            openapi_extra={"security": [{"bearer": []}, {"apiKey": []}]})
def get_lead(lead_id: str, request: Request) -> LeadStatus:
    engine = get_engine()
    caller = authenticate(engine, request)
    status = lead_status(engine, lead_id)
    if status is None or (caller.scope != OPEN and status.source != caller.source):
        raise ApiError(404, "LEAD_NOT_FOUND", f"no lead {lead_id} from source {caller.source}")
    return status
