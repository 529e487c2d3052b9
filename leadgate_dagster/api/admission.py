"""What every POST under /v1/ passes before its body is read as leads or events, in this order, so a
request is refused as early and as cheaply as possible:

1. a credential: an API key (`Authorization: Bearer` or `X-API-Key`), or Standard Webhooks headers (checked
   once the body is read), or, only under `serve --insecure-dev`, none; else 401 and a log line;
2. size: a declared `Content-Length` over the limit is refused before a byte is read, and the body is read
   no further than the limit (413);
3. type: JSON only (415);
4. the webhook signature over the exact bytes received (401);
5. the caller's token bucket (429 with Retry-After);
6. JSON syntax (422).
Refusals past step 1 are kept in `api_rejections` with their reason; a 401 leaves only the log line.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from fastapi import Request
from starlette.concurrency import run_in_threadpool

from leadgate_dagster.api.deps import get_engine, load_rules
from leadgate_dagster.api.errors import ApiError
from leadgate_dagster.core.rules.api import ApiRules
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate import api_access
from leadgate_dagster.gate.api_access import Caller, Unauthorized
from leadgate_dagster.settings import api_insecure_dev
from leadgate_dagster.store import api_rejections

log = logging.getLogger("leadgate.api")
_BODY_EXCERPT = 65_536


@dataclass(frozen=True)
class Admitted:
    engine: sa.Engine
    rules: Ruleset
    caller: Caller
    body: Any  # the parsed JSON
    text: str  # the body as received, for keeping a refused request
    idempotency_key: str | None


async def admit(request: Request, endpoint: str) -> Admitted:
    engine = get_engine()
    rules = await run_in_threadpool(load_rules, engine)
    limits = rules.api
    caller = await run_in_threadpool(_credential, engine, request)
    try:
        _check_declared_size(request, limits.max_body_bytes)
        _check_media_type(request)
        raw = await _read_limited(request, limits.max_body_bytes)
        text = _utf8(raw)
    except ApiError as exc:
        if caller is not None:
            await run_in_threadpool(keep_refusal, engine, caller, endpoint, exc, None)
        raise
    if caller is None:  # signed webhook: the signature covers the exact bytes
        caller = await run_in_threadpool(_signed, engine, request, raw)
    if "intake" not in caller.scopes:
        raise _forbidden("intake")
    wait = await run_in_threadpool(api_access.throttle, engine, caller, limits)
    if wait:
        raise _rate_limited(caller, limits, wait)
    try:
        body = json.loads(text)
    except (ValueError, RecursionError) as exc:
        error = ApiError(422, "INVALID_JSON", f"the body is not valid JSON: {exc}")
        await run_in_threadpool(keep_refusal, engine, caller, endpoint, error, text)
        raise error from None
    key = request.headers.get("idempotency-key") or caller.webhook_id
    if key is not None and not 0 < len(key) <= 255:
        raise ApiError(422, "INVALID_IDEMPOTENCY_KEY", "an Idempotency-Key holds 1 to 255 characters")
    return Admitted(engine, rules, caller, body, text, key)


def keep_refusal(engine: sa.Engine, caller: Caller, endpoint: str, error: ApiError, text: str | None) -> None:
    with engine.begin() as conn:
        api_rejections.record(conn, caller=caller.scope, source=caller.source, endpoint=endpoint,
                              status_code=error.status_code, error=error.error,
                              detail={"detail": error.detail, "problems": error.problems},
                              body=text[:_BODY_EXCERPT] if text is not None else None)


def _unauthorized(request: Request, why: str) -> ApiError:
    client = request.client.host if request.client else "?"
    log.warning("intake request refused (401): %s; %s %s from %s", why, request.method, request.url.path, client)
    return ApiError(401, "UNAUTHORIZED", "send an API key (Authorization: Bearer KEY or X-API-Key: KEY) or a "
                    "valid Standard Webhooks signature", headers={"WWW-Authenticate": "Bearer"})


def authenticate(engine: sa.Engine, request: Request, *, scope: str = "intake") -> Caller:
    """The caller of a request that is not an intake POST (no body to sign): an API key holding `scope` (403
    without it), or for intake the open door; its token bucket taken (429)."""
    caller = _credential(engine, request)
    if caller is None:
        raise _unauthorized(request, "a webhook signature cannot sign a request without a body")
    if scope not in caller.scopes:
        raise _forbidden(scope)
    limits = load_rules(engine).api
    wait = api_access.throttle(engine, caller, limits)
    if wait:
        raise _rate_limited(caller, limits, wait)
    return caller


def _forbidden(scope: str) -> ApiError:
    return ApiError(403, "FORBIDDEN", f"this key has no {scope} scope (`leadgate keys add NAME --scope {scope}`)")


def _rate_limited(caller: Caller, limits: ApiRules, wait: float) -> ApiError:
    return ApiError(429, "RATE_LIMITED", f"rate limit of {caller.rate_per_second or limits.rate_per_second:g} "
                    f"requests/s spent; retry after {math.ceil(wait)} s", headers={"Retry-After": str(math.ceil(wait))})


def _credential(engine: sa.Engine, request: Request) -> Caller | None:
    """The caller named by an API key (or the open door); None when webhook headers wait for the body."""
    auth = request.headers.get("authorization", "")
    key = request.headers.get("x-api-key") or (auth[7:].strip() if auth[:7].lower() == "bearer " else "")
    if key:
        try:
            return api_access.by_key(engine, key)
        except Unauthorized as exc:
            raise _unauthorized(request, str(exc)) from None
    if "webhook-signature" in request.headers:
        return None
    if api_insecure_dev():
        return api_access.open_door(request.headers.get("x-lead-source"))
    raise _unauthorized(request, "no API key and no webhook signature"
                        + (f" (Authorization: {auth.split()[0][:20]} ...)" if auth.strip() else ""))


def _signed(engine: sa.Engine, request: Request, raw: bytes) -> Caller:
    source = request.query_params.get("source") or request.headers.get("x-lead-source")
    if not source:
        raise _unauthorized(request, "a signed webhook must name its source (?source=NAME)")
    try:
        return api_access.by_signature(engine, source, raw, request.headers)
    except Unauthorized as exc:
        raise _unauthorized(request, str(exc)) from None


def _check_declared_size(request: Request, limit: int) -> None:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "BODY_TOO_LARGE", f"the body is {int(declared)} bytes; at most {limit} per request")


async def _read_limited(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "BODY_TOO_LARGE", f"the body is over {limit} bytes; at most {limit} per request")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_media_type(request: Request) -> None:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise ApiError(415, "UNSUPPORTED_MEDIA_TYPE",
                       f"the body is sent as {media or 'no content type'}; send JSON (Content-Type: application/json)")


def _utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(422, "INVALID_JSON", f"the body is not UTF-8: {exc}") from None
