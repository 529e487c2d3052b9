"""Console clients on the session database: users made through the gate, signed in through the sign-in form
as a browser would (its CSRF token read from the page)."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from leadgate_dagster.api.app import app
from leadgate_dagster.gate.console_accounts import add_user
from leadgate_dagster.settings import API_INSECURE_ENV

PASSWORD = "a long enough password"
SignedIn = Callable[..., TestClient]


def field(html: str, name: str) -> str:
    """The value of the first form field `name` on a page."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no field {name} on the page"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD, *, target: str = "/review") -> httpx.Response:
    form = client.get("/review/sign-in")
    return client.post("/review/sign-in", data={"name": name, "password": password, "next": target,
                                                "sign_in_token": field(form.text, "sign_in_token")},
                       follow_redirects=False)


@pytest.fixture
def console(pg_url: str, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> sa.Engine:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    monkeypatch.setenv("LEADGATE_SESSION_SECRET", "test-console-secret")
    monkeypatch.delenv(API_INSECURE_ENV, raising=False)
    return engine


@pytest.fixture
def anonymous_browser(console: sa.Engine) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1")


@pytest.fixture
def signed_in(console: sa.Engine) -> SignedIn:
    """`signed_in(name, role="reviewer")`: a client signed in as a new user of that role."""

    def make(name: str = "kim", role: str = "reviewer", *, base_url: str = "http://127.0.0.1") -> TestClient:
        add_user(console, name, role, PASSWORD)
        client = TestClient(app, base_url=base_url)
        assert sign_in(client, name).status_code == 303
        return client

    return make


def csrf(client: TestClient) -> str:
    return field(client.get("/review").text, "csrf_token")
