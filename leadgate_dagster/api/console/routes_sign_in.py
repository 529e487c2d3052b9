"""Signing in and out. The sign-in form is protected against cross-site posting before any session exists by
a token signed over a nonce in its own cookie; a good password starts a new session (any session the browser
had is ended first), a wrong one answers 401, and a name or address that failed too often answers 429 until
its wait is over."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from leadgate_dagster.api.console.auth import (
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    Acting,
    Refused,
    clear_session,
    secure,
    set_session,
    visitor_of,
)
from leadgate_dagster.api.console.render import page
from leadgate_dagster.api.deps import get_engine
from leadgate_dagster.core.console import tokens
from leadgate_dagster.gate import console_sessions
from leadgate_dagster.gate.console_accounts import Throttled, check_password

router = APIRouter(prefix="/review", include_in_schema=False)


def _next(target: str | None) -> str:
    """Where to go after signing in: a console path only (never another site)."""
    ok = target and target.startswith("/review") and not target.startswith("//") and "\\" not in target
    return target if ok and target else "/review"


def _form(request: Request, *, status_code: int = 200, error: str | None = None, name: str = "",
          target: str | None = None, headers: dict[str, str] | None = None) -> HTMLResponse:
    engine = get_engine()
    nonce = tokens.new_token()
    response = page(request, "sign_in.html", status_code=status_code, error=error, name=name,
                    target=_next(target or request.query_params.get("next")),
                    sign_in_token=tokens.sign_in_token(console_sessions.secret(engine), nonce), headers=headers)
    response.set_cookie(SIGN_IN_COOKIE, nonce, max_age=3600, path="/review", httponly=True, samesite="lax",
                        secure=secure(request))
    return response


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    if visitor_of(get_engine(), request) is not None:
        return RedirectResponse(_next(request.query_params.get("next")), status_code=303)
    return _form(request)


@router.post("/sign-in")
async def sign_in(request: Request, name: Annotated[str, Form(max_length=200)] = "",
                  password: Annotated[str, Form(max_length=2000)] = "",
                  sign_in_token: Annotated[str, Form(max_length=200)] = "",
                  next_: Annotated[str, Form(alias="next", max_length=2000)] = "/review") -> Response:
    engine = get_engine()
    nonce = request.cookies.get(SIGN_IN_COOKIE, "")
    if not nonce or not tokens.same(tokens.sign_in_token(console_sessions.secret(engine), nonce), sign_in_token):
        raise Refused(403, "Refused: no valid CSRF token", "The sign-in form was not the one this site gave "
                      "your browser (or it is over an hour old). Reload the page and sign in again.")
    client = request.client.host if request.client else "unknown"
    try:
        account = await run_in_threadpool(check_password, engine, name, password, client=client)
    except Throttled as exc:
        return _form(request, status_code=429, error=f"Too many failed sign-ins. Try again in {exc.wait:.0f} s.",
                     name=name, target=next_, headers={"Retry-After": str(max(1, round(exc.wait)))})
    if account is None:
        return _form(request, status_code=401, error="Wrong user name or password.", name=name, target=next_)
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        await run_in_threadpool(console_sessions.end, engine, old)  # never carry a session across a sign-in
    token = await run_in_threadpool(console_sessions.start, engine, account)
    response = RedirectResponse(_next(next_), status_code=303)
    set_session(response, request, token)
    response.delete_cookie(SIGN_IN_COOKIE, path="/review")
    return response


@router.post("/sign-out")
def sign_out(request: Request, visitor: Acting) -> Response:
    console_sessions.end(get_engine(), visitor.token)
    response = RedirectResponse("/review/sign-in", status_code=303)
    clear_session(response, request)
    return response
