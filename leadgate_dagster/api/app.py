"""The web app `leadgate serve` runs (and `leadgate dev`): the intake API and the review API under /v1/,
the review console under /review, and health checks.

Served by uvicorn (`leadgate_dagster.api.app:app`); every process reads the same database, so any number of
them share idempotency, rate limits and keys.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from leadgate_dagster.api import console, openapi
from leadgate_dagster.api.errors import ApiError, api_error_handler, http_error_handler, validation_error_handler
from leadgate_dagster.api.routes import events, leads, ops, review
from leadgate_dagster.core.file_reader import record_from_mapping
from leadgate_dagster.core.intake_verdict import lead_verdicts
from leadgate_dagster.core.ruleset import load_ruleset


def _warm_up() -> None:
    """One verdict on a made-up lead, so the first real request does not pay for imports, phone metadata and
    the validation tables (about 100 ms)."""
    lead = {"email": "ann@northwind.com", "phone": "+1 415 839 2671", "first_name": "Ann", "country": "US"}
    lead_verdicts([record_from_mapping(lead, record_no=1)], rules=load_ruleset())


@asynccontextmanager
async def _lifespan(_: FastAPI) -> AsyncIterator[None]:
    await run_in_threadpool(_warm_up)
    gc.freeze()  # what is loaded now lives as long as the process: keep it out of every later collection
    yield


def create_app() -> FastAPI:
    app = FastAPI(title="leadgate intake API", version="1", lifespan=_lifespan,
                  description="Leads and behaviour events in; every POST is stored before its 202.")
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    for module in (leads, events, review, ops):
        app.include_router(module.router)
    console.install(app)
    openapi.install(app)
    return app


app = create_app()
