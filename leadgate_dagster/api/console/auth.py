"""Who is asking, for every console page and action (and the JSON review API's session door).

A visitor is signed in by the session cookie alone (HttpOnly, SameSite=Lax, Secure unless the request is to
a loopback host). Every page depends on `signed_in` or `admin`, so the role is checked on the server for
each request; every state-changing request also depends on `csrf_checked` (a form field or the
`X-CSRF-Token` header holding the session's CSRF token, else 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from leadgate_dagster.api.deps import get_engine
from leadgate_dagster.core.console import tokens
from leadgate_dagster.core.loopback import is_loopback
from leadgate_dagster.gate import console_sessions
from leadgate_dagster.gate.console_accounts import Account
from leadgate_dagster.settings import session_max_hours

SESSION_COOKIE = "leadgate_session"
SIGN_IN_COOKIE = "leadgate_sign_in"  # the nonce a sign-in form's token is signed over
CSRF_FIELD, CSRF_HEADER = "csrf_token", "x-csrf-token"


class SignInRequired(Exception):
    """No live session: a page redirects to the sign-in form, anything else is refused."""


class Refused(Exception):
    """A signed-in visitor may not do this (403), or a request is refused for another stated reason."""

    def __init__(self, status_code: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status_code, self.title, self.detail = status_code, title, detail


@dataclass(frozen=True, slots=True)
class Visitor:
    account: Account
    token: str
    csrf: str


def visitor_of(engine: sa.Engine, request: Request) -> Visitor | None:
    """The signed-in visitor of a request, None without a live session."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 128:
        return None
    account = console_sessions.account_of(engine, token)
    return Visitor(account, token, console_sessions.csrf_token(engine, token)) if account else None


async def signed_in(request: Request) -> Visitor:
    found = await run_in_threadpool(visitor_of, get_engine(), request)
    if found is None:
        raise SignInRequired()
    request.state.visitor = found
    return found


def _admin_only(visitor: Visitor) -> Visitor:
    if not visitor.account.is_admin:
        raise Refused(403, "Admins only", "This page is for console admins; your role is "
                      f"{visitor.account.role.value}.")
    return visitor


async def admin(visitor: Annotated[Visitor, Depends(signed_in)]) -> Visitor:
    return _admin_only(visitor)


async def csrf_checked(request: Request, visitor: Annotated[Visitor, Depends(signed_in)]) -> Visitor:
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.method == "POST":
        given = str((await request.form()).get(CSRF_FIELD) or "")
    if not tokens.same(visitor.csrf, given):
        raise Refused(403, "Refused: no valid CSRF token", "The request did not carry this session's CSRF token, "
                      "so it was not carried out. Reload the page and try again.")
    return visitor


async def admin_acting(visitor: Annotated[Visitor, Depends(csrf_checked)]) -> Visitor:
    return _admin_only(visitor)


Reviewer = Annotated[Visitor, Depends(signed_in)]
Admin = Annotated[Visitor, Depends(admin)]
Acting = Annotated[Visitor, Depends(csrf_checked)]
AdminActing = Annotated[Visitor, Depends(admin_acting)]


def secure(request: Request) -> bool:
    """Cookies are Secure unless the request went to a loopback host (plain http on this machine)."""
    return not is_loopback(request.url.hostname)


def set_session(response: Response, request: Request, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=int(session_max_hours() * 3600), path="/",
                        httponly=True, samesite="lax", secure=secure(request))


def clear_session(response: Response, request: Request) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure(request))
