"""Health for load balancers and orchestrators: `/healthz` (the process answers) and `/readyz` (the database
answers and its schema is at the migrations' head, so this process may take leads)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from leadgate_dagster.api.deps import get_engine
from leadgate_dagster.store.migrate import schema_state

router = APIRouter(tags=["ops"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz() -> JSONResponse:
    try:
        state = await run_in_threadpool(schema_state, get_engine())
    except Exception as exc:  # any failure to reach the database means not ready, and says why
        return JSONResponse({"status": "unavailable", "database": f"{type(exc).__name__}: {exc}"[:300]},
                            status_code=503)
    ready = state.current == state.head
    return JSONResponse({"status": "ready" if ready else "migrations pending", "database": "ok",
                         "schema": state.current, "head": state.head}, status_code=200 if ready else 503)
