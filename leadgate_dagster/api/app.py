"""The web app `leadgate serve` runs (and `leadgate dev`): the intake API under /v1/ and health checks.

Served by uvicorn (`leadgate_dagster.api.app:app`); every process reads the same database, so any number of
them share idempotency, rate limits and keys.
"""

from __future__ import annotations

from fastapi import FastAPI

from leadgate_dagster.api import openapi
from leadgate_dagster.api.errors import ApiError, api_error_handler
from leadgate_dagster.api.routes import events, leads, ops


def create_app() -> FastAPI:
    app = FastAPI(title="leadgate intake API", version="1",
                  description="Leads and behaviour events in; every POST is stored before its 202.")
    app.add_exception_handler(ApiError, api_error_handler)
    for module in (leads, events, ops):
        app.include_router(module.router)
    openapi.install(app)
    return app


app = create_app()
