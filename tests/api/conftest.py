"""An intake API client with a real key on the session database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from leadgate_dagster.api.app import app
from leadgate_dagster.gate.api_access import issue_key
from leadgate_dagster.settings import API_INSECURE_ENV

ClientFor = Callable[..., TestClient]


@pytest.fixture
def client_for(pg_url: str, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> ClientFor:
    """`client_for(source, partner_id=None)`: a client sending a new key of that source."""
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    monkeypatch.delenv(API_INSECURE_ENV, raising=False)

    def make(source: str = "website", partner_id: str | None = None, **key_options: object) -> TestClient:
        _, key = issue_key(engine, source, partner_id=partner_id, **key_options)  # type: ignore[arg-type]
        return TestClient(app, headers={"Authorization": f"Bearer {key}"})

    return make


@pytest.fixture
def client(client_for: ClientFor) -> TestClient:
    return client_for("website")


@pytest.fixture
def anonymous(pg_url: str, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    monkeypatch.delenv(API_INSECURE_ENV, raising=False)
    return TestClient(app)
