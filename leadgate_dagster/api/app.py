"""The intake API served by `leadgate dev` (uvicorn leadgate_dagster.api.app:app)."""

from __future__ import annotations

from fastapi import FastAPI

from leadgate_dagster.api.routes import events, leads

app = FastAPI(title="leadgate intake API", version="1")
app.include_router(leads.router)
app.include_router(events.router)


@app.get("/healthz", tags=["ops"])
def healthz() -> dict[str, str]:
    return {"status": "ok"}
