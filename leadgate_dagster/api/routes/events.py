"""POST /v1/events: behaviour events (opens, clicks, visits, demo requests) for the engagement score.

Each item is validated on its own against `BehaviorEventIn`: valid ones are stored before the 202 is sent
(idempotent by event_id), invalid ones are answered with their reason and kept in an `events_rejected`
alert; a retried request with the same Idempotency-Key gets the stored answer and writes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException
from pydantic import BaseModel

from leadgate_dagster.api.deps import EngineDep, IdempotencyKeyDep, RulesDep, SourceDep
from leadgate_dagster.core.behavior_events import BehaviorEventIn
from leadgate_dagster.gate.event_intake import accept_events

router = APIRouter(prefix="/v1", tags=["events"])
MAX_ITEMS = 5000


class AcceptedEvent(BaseModel):
    index: int
    event_id: str
    status: str  # stored | duplicate (this event_id was stored before)


class RejectedEvent(BaseModel):
    index: int
    error: str  # EVENT_NOT_AN_OBJECT | EVENT_INVALID | EVENT_NO_LEAD_KEY | EVENT_IN_FUTURE
    detail: str


class EventsAck(BaseModel):
    accepted: int
    stored: int
    rejected: int
    events: list[AcceptedEvent]
    rejections: list[RejectedEvent]
    idempotency_key: str | None = None
    replayed_request: bool = False


_EVENT_SCHEMA = BehaviorEventIn.model_json_schema()
# the body is read as plain JSON and each item validated on its own (an invalid item is answered in
# `rejections`, not with a 422 for the whole request); the schema below documents what an item should be
_BODY_DOC = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "oneOf": [_EVENT_SCHEMA, {"type": "array", "items": _EVENT_SCHEMA, "maxItems": MAX_ITEMS}]}}}}}


@router.post("/events", status_code=202, response_model=EventsAck, openapi_extra=_BODY_DOC)
def post_events(engine: EngineDep, rules: RulesDep,
                body: Annotated[Any, Body(description="one event object, or a list of them")],
                key: IdempotencyKeyDep = None, source: SourceDep = None) -> EventsAck:
    items = body if isinstance(body, list) else [body]
    if not items:
        raise HTTPException(status_code=422, detail="the body holds no events")
    if len(items) > MAX_ITEMS:
        raise HTTPException(status_code=413, detail=f"at most {MAX_ITEMS} events per request")
    try:
        return EventsAck(**accept_events(engine, items, idempotency_key=key, source=source or "api", rules=rules))
    except ValueError as exc:  # same key, different body
        raise HTTPException(status_code=409, detail=str(exc)) from exc
