"""The last steps every intake POST shares once admitted: the body's shape and types (422, kept), storing
under the caller's Idempotency-Key (409 for a reused key), and the answer's headers (a replay is marked, a
batch client under intake pressure is told when to come back)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Response
from pydantic import BaseModel

from leadgate_dagster.api.admission import Admitted, keep_refusal
from leadgate_dagster.api.errors import ApiError
from leadgate_dagster.core.lead_body import shape_errors
from leadgate_dagster.gate.idempotent_request import Answer, KeyReused
from leadgate_dagster.gate.intake_pressure import recent_pressure

REPLAYED = "Idempotent-Replayed"


def items_of(admitted: Admitted, endpoint: str, *, max_items: int,
             item_errors: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None) -> list[Any]:
    """The body as a list of objects, or a 422 naming every problem (and the request kept with them)."""
    problems = shape_errors(admitted.body, max_items=max_items)
    items = admitted.body if isinstance(admitted.body, list) else [admitted.body]
    if not problems and item_errors is not None:
        problems = item_errors(items)
    if problems:
        error = ApiError(422, problems[0]["error"] if len(problems) == 1 else "BODY_INVALID",
                         "; ".join(p["message"] for p in problems[:20]) + ("; ..." if len(problems) > 20 else ""),
                         problems=problems)
        keep_refusal(admitted.engine, admitted.caller, endpoint, error, admitted.text)
        raise error
    return items


def renderer(model: type[BaseModel]) -> Callable[[dict[str, Any]], bytes]:
    return lambda ack: model.model_validate(ack).model_dump_json().encode()


def respond(admitted: Admitted, store: Callable[[], Answer], *, batch: bool) -> Response:
    try:
        answer = store()
    except KeyReused as exc:
        raise ApiError(409, "IDEMPOTENCY_KEY_REUSED", str(exc)) from None
    headers = {REPLAYED: "true"} if answer.replayed else {}
    pressure = recent_pressure(admitted.engine, admitted.rules.api)
    if pressure.setting is not None:
        headers["X-Intake-Degraded"] = str(pressure.tier)
        if batch:
            headers["Retry-After"] = str(pressure.setting.retry_after_seconds)
    return Response(answer.body, status_code=answer.status_code, media_type="application/json", headers=headers)
