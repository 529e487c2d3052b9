"""The users page, for admins only (the `admin` dependency checks the role on every request): add a user,
disable or enable one, set a new password. Disabling and a new password end the user's sessions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from leadgate_dagster.api.console.auth import Admin, AdminActing
from leadgate_dagster.api.console.render import page
from leadgate_dagster.api.deps import get_engine
from leadgate_dagster.core.console.accounts import Role
from leadgate_dagster.gate.console_accounts import AccountError, add_user, disable_user, list_users, reset_password

router = APIRouter(prefix="/review/admin", include_in_schema=False)


def _users(request: Request, *, status_code: int = 200, message: str | None = None,
           error: str | None = None) -> Response:
    return page(request, "users.html", status_code=status_code, users=list_users(get_engine()),
                roles=[r.value for r in Role], message=message, error=error)


@router.get("/users")
def users(request: Request, visitor: Admin) -> Response:
    return _users(request, message=request.query_params.get("done"))


@router.post("/users")
def add(request: Request, visitor: AdminActing, name: Annotated[str, Form(max_length=200)] = "",
        role: Annotated[str, Form(max_length=20)] = "", password: Annotated[str, Form(max_length=2000)] = "") -> Response:
    try:
        add_user(get_engine(), name.strip(), role, password)
    except AccountError as exc:
        return _users(request, status_code=422, error=str(exc))
    return RedirectResponse(f"/review/admin/users?done=added+{name.strip()}", status_code=303)


@router.post("/users/{name}/disable")
def disable(request: Request, name: str, visitor: AdminActing) -> Response:
    return _change(request, lambda: disable_user(get_engine(), name), f"disabled {name}")


@router.post("/users/{name}/enable")
def enable(request: Request, name: str, visitor: AdminActing) -> Response:
    return _change(request, lambda: disable_user(get_engine(), name, disabled=False), f"enabled {name}")


@router.post("/users/{name}/password")
def password(request: Request, name: str, visitor: AdminActing,
             new_password: Annotated[str, Form(max_length=2000)] = "") -> Response:
    return _change(request, lambda: reset_password(get_engine(), name, new_password), f"new password for {name}")


def _change(request: Request, do: Callable[[], object], done: str) -> Response:
    try:
        do()
    except AccountError as exc:
        return _users(request, status_code=422, error=str(exc))
    return RedirectResponse(f"/review/admin/users?done={done.replace(' ', '+')}", status_code=303)
