"""POST /v1/events: behaviour events (opens, clicks, visits, demo requests) for the engagement score.

Each item is validated on its own against `BehaviorEventIn`: valid ones are stored before the 202 is sent
(idempotent by event_id), invalid ones are answered with their reason and kept in an `events_rejected`
alert; a retried request with the same Idempotency-Key gets the stored answer and writes nothing.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from leadgate_dagster.api.admission import admit
from leadgate_dagster.api.errors import ERROR_RESPONSES
from leadgate_dagster.api.intake_answer import items_of, renderer, respond
from leadgate_dagster.api.openapi import SECURED, json_body
from leadgate_dagster.core.behavior_events import BehaviorEventIn
from leadgate_dagster.gate.event_intake import accept_events

router = APIRouter(prefix="/v1", tags=["events"])


class AcceptedEvent(BaseModel):
    index: int
    event_id: str
    status: str  # stored | duplicate (this event_id was stored before)


class RejectedEvent(BaseModel):
    index: int
    error: str  # EVENT_INVALID | EVENT_NO_LEAD_KEY | EVENT_IN_FUTURE
    detail: str


class EventsAck(BaseModel):
    accepted: int
    stored: int
    rejected: int
    events: list[AcceptedEvent]
    rejections: list[RejectedEvent]
    idempotency_key: str | None = None


# An item with a bad field is answered in `rejections` (the others are stored), not with a 422 for the
# whole request: a tracker's one broken event must not hold back the rest. So the body's schema is "objects",
# and the description carries what each should be.
_EVENT = {"type": "object", "description": "a behaviour event: " + ", ".join(
    f"{name}{'' if field.is_required() else '?'}" for name, field in BehaviorEventIn.model_fields.items())}


@router.post("/events", status_code=202, response_model=EventsAck, responses=ERROR_RESPONSES,
             openapi_extra={**SECURED, **json_body(_EVENT, "one event object, or a list of them; each is validated "
                                                   "on its own and an invalid one is answered in `rejections`",
                                                   max_items=5000)})
async def post_events(request: Request) -> Response:
    admitted = await admit(request, "events")

    def handle() -> Response:
        rules = admitted.rules
        items = items_of(admitted, "events", max_items=rules.api.max_events_per_request)
        return respond(admitted, lambda: accept_events(
            admitted.engine, items, caller=admitted.caller, idempotency_key=admitted.idempotency_key, rules=rules,
            render=renderer(EventsAck)), batch=len(items) > 1)

    return await run_in_threadpool(handle)
