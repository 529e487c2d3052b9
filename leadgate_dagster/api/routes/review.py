"""The review queue over JSON, for tools and the console's users: list, one item, act. An API key with the
`reviewer` scope (the key's name, its SOURCE, is the actor logged as `reviewer:NAME`), or a console session
plus its CSRF token in X-CSRF-Token (the user is the actor). Every answer of an action is what
`leadgate review act` says: done, not found (404), invalid (422), someone else first (409)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from leadgate_dagster.api.admission import authenticate
from leadgate_dagster.api.console.auth import CSRF_HEADER, SESSION_COOKIE, visitor_of
from leadgate_dagster.api.deps import get_engine, load_rules
from leadgate_dagster.api.errors import ERROR_RESPONSES, ApiError
from leadgate_dagster.core.console.tokens import same
from leadgate_dagster.core.review.actions import Action, ActionRequest, Kind
from leadgate_dagster.core.review.lifecycle import Status
from leadgate_dagster.gate.review_actions import act
from leadgate_dagster.gate.review_errors import ReviewConflict, ReviewInvalid, ReviewNotFound
from leadgate_dagster.gate.review_read import ListFilter, list_queue, show_item
from leadgate_dagster.store import pg_text

router = APIRouter(prefix="/v1/review", tags=["review"])
_SECURED: dict[str, Any] = {"security": [{"bearer": []}, {"apiKey": []}, {"session": []}]}
_ANSWERS = {k: v for k, v in ERROR_RESPONSES.items() if k in (400, 401, 403, 409, 422, 429)} | {
    404: {"description": "no review item has this id"}}


class ReviewItem(BaseModel):
    model_config = ConfigDict(extra="allow")  # the item's other columns (`review show` prints the same)
    id: int
    review_id: int
    kind: str
    status: str
    priority: float
    lead_id: str
    reason_codes: list[str]
    source: str | None = None
    assignee: str | None = None
    version: int
    created_at: datetime


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Action
    to: str | None = Field(None, description="route: the disposition; assign / reassign: the assignee; "
                                             "assign_owner: the owner's email")
    note: str | None = Field(None, max_length=4000, description="why (required for route and adjust_score)")
    delta: int | None = Field(None, description="adjust_score: priority points, + or -")
    expected_version: int | None = Field(None, description="the version you looked at: a change since is 409")


class ActionOut(BaseModel):
    review_id: int
    action: str
    status: str
    version: int
    assignee: str | None
    disposition: str | None
    disposition_changed: bool
    decision_id: int


def _reviewer(request: Request) -> str:
    """The actor: a key's holder (`reviewer:<key source>`), or a console user signed in by the session cookie,
    who must also send the session's CSRF token as X-CSRF-Token on anything but a read."""
    engine = get_engine()
    if not any(h in request.headers for h in ("authorization", "x-api-key")) and SESSION_COOKIE in request.cookies:
        visitor = visitor_of(engine, request)
        if visitor is not None:
            if request.method not in ("GET", "HEAD") and not same(visitor.csrf, request.headers.get(CSRF_HEADER)):
                raise ApiError(403, "CSRF_TOKEN_MISSING", "a console session must send its CSRF token in X-CSRF-Token")
            return visitor.account.actor
    caller = authenticate(engine, request, scope="reviewer")
    return f"reviewer:{caller.source}"


@router.get("/items", response_model=list[ReviewItem], responses=_ANSWERS, openapi_extra=_SECURED)
def list_items(request: Request, kind: Kind | None = None, source: str | None = None, reason: str | None = None,
               status: Annotated[list[Status] | None, Query(description="default: open and in_progress")] = None,
               assignee: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[dict[str, Any]]:
    _reviewer(request)
    return list_queue(get_engine(), ListFilter(
        kind=kind, source=pg_text.text(source), reason=pg_text.text(reason), assignee=pg_text.text(assignee),
        statuses=tuple(status or (Status.OPEN, Status.IN_PROGRESS)), limit=limit))


@router.get("/items/{review_id}", response_model=ReviewItem, responses=_ANSWERS, openapi_extra=_SECURED)
def get_item(review_id: int, request: Request) -> dict[str, Any]:
    _reviewer(request)
    try:
        return show_item(get_engine(), review_id)
    except ReviewNotFound as exc:
        raise ApiError(404, "REVIEW_ITEM_NOT_FOUND", str(exc)) from None


@router.post("/items/{review_id}/actions", response_model=ActionOut, responses=_ANSWERS, openapi_extra=_SECURED)
def post_action(review_id: int, body: ActionIn, request: Request) -> ActionOut:
    actor = _reviewer(request)
    engine = get_engine()
    wanted = ActionRequest(body.action, actor, to=pg_text.text(body.to), note=pg_text.text(body.note),
                           delta=body.delta, expected_version=body.expected_version)
    try:
        done = act(engine, review_id, wanted, rules=load_rules(engine))
    except ReviewNotFound as exc:
        raise ApiError(404, "REVIEW_ITEM_NOT_FOUND", str(exc)) from None
    except ReviewInvalid as exc:
        raise ApiError(422, "REVIEW_ACTION_INVALID", str(exc),
                       problems=[{"error": "REVIEW_ACTION_INVALID", "message": p} for p in exc.problems]) from None
    except ReviewConflict as exc:
        raise ApiError(409, "REVIEW_CONFLICT", f"{exc} (the item is {exc.status}, version {exc.version}, "
                       f"assigned to {exc.assignee or 'nobody'})") from None
    return ActionOut(**{k: getattr(done, k) for k in ActionOut.model_fields})
