"""The review console: server-rendered pages under /review on the app `leadgate serve` runs (Jinja2
templates, htmx and the console's script served from the package's static folder; no front-end build).
`install(app)` adds its routes, its static files, its security headers and its HTML error pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from leadgate_dagster.api.console import routes_admin, routes_item, routes_queue, routes_sign_in
from leadgate_dagster.api.console.auth import Refused, SignInRequired
from leadgate_dagster.api.console.headers import PREFIX, ConsoleHeaders
from leadgate_dagster.api.console.render import page

STATIC = Path(__file__).parent / "static"
ROUTERS = tuple(m.router for m in (routes_sign_in, routes_queue, routes_item, routes_admin))


def install(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="console-static")
    app.add_middleware(ConsoleHeaders)
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(Refused, _refused)
    for cls in (StarletteHTTPException, RequestValidationError):  # the API's JSON answers, HTML under /review
        app.add_exception_handler(cls, _html_under_console(app.exception_handlers[cls]))  # type: ignore[arg-type]


async def _sign_in_required(request: Request, _: Exception) -> Response:
    if request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{PREFIX}/sign-in?next={quote(target, safe='/')}", status_code=303)
    return page(request, "error.html", status_code=401, title="Sign in first",
                detail="Your session has ended (or you never signed in). Nothing was changed.")


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return page(request, "error.html", status_code=exc.status_code, title=exc.title, detail=exc.detail)


Handler = Callable[[Request, Exception], Awaitable[Response]]


def _html_under_console(json_handler: Handler) -> Handler:
    async def handler(request: Request, exc: Exception) -> Response:
        if not request.url.path.startswith(PREFIX):
            return await json_handler(request, exc)
        status = getattr(exc, "status_code", 422)
        return page(request, "error.html", status_code=status, title="Not found" if status == 404 else "Refused",
                    detail=str(getattr(exc, "detail", "")) if status != 422 else "The request's fields are not valid.")

    return handler
