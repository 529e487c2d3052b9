"""Every refusal the API gives: a status, a stable error code, a sentence, and for a body that is not
acceptable, one entry per problem (`index`, `field`, `error`, `message`)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException


class Problem(BaseModel):
    index: int | None = None  # the item of a list body
    field: str | None = None  # as the client spelled it
    error: str
    message: str


class ErrorBody(BaseModel):
    error: str
    detail: str
    problems: list[Problem] = []


class ApiError(Exception):
    def __init__(self, status_code: int, error: str, detail: str, *, problems: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status_code, self.error, self.detail = status_code, error, detail
        self.problems, self.headers = problems or [], headers or {}

    def body(self) -> dict[str, Any]:
        return ErrorBody(error=self.error, detail=self.detail, problems=self.problems).model_dump()


async def api_error_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body(), status_code=exc.status_code, headers=exc.headers)


async def http_error_handler(_: Request, exc: Exception) -> JSONResponse:
    """Starlette's and FastAPI's own refusals (an unknown path, a wrong method, a body that cannot be read) in
    the same shape as every other."""
    assert isinstance(exc, StarletteHTTPException)
    error = HTTPStatus(exc.status_code).name if exc.status_code in HTTPStatus._value2member_map_ else "ERROR"
    return JSONResponse(ErrorBody(error=error, detail=str(exc.detail)).model_dump(), status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


async def validation_error_handler(_: Request, exc: Exception) -> JSONResponse:
    """FastAPI's own 422s (a path or query parameter, an action body) in the same shape as every other refusal."""
    assert isinstance(exc, RequestValidationError)
    problems = [{"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "error": "REQUEST_INVALID",
                 "message": f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"} for e in exc.errors()]
    error = ApiError(422, "REQUEST_INVALID", "; ".join(p["message"] for p in problems[:20]), problems=problems)
    return JSONResponse(error.body(), status_code=422)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text} for status, text in {
        400: "the body cannot be read",
        401: "no valid API key or webhook signature",
        403: "the key lacks the scope this endpoint needs",
        409: "the Idempotency-Key was used for another body",
        413: "the body is larger than the limit",
        415: "the body is not JSON",
        422: "the body is not a lead (or event) object or a list of them, or a field has the wrong type",
        429: "the caller's rate limit is spent; `Retry-After` says when to come back",
    }.items()}
