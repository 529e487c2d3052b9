"""Fixtures of the enrichment tests: a scripted local API per test, and HTTP settings with small timeouts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from leadgate_dagster.providers.http_client import HttpSettings, ProviderHttpClient
from tests.providers.enrichment.local_server import Script, serve


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def base_url(script: Script) -> Iterator[str]:
    with serve(script) as url:
        yield url


@pytest.fixture
def settings(base_url: str) -> HttpSettings:
    """Tens of milliseconds everywhere: a test never waits for long."""
    return HttpSettings(base_url=base_url, timeout_s=0.2, connect_timeout_s=0.2, backoff_initial_s=0.001,
                        backoff_max_s=0.005, retry_after_cap_s=30.0, rate_per_s=0, burst=1,
                        breaker_failures=100, breaker_cooldown_s=60.0)


class SleepLog:
    """Stands in for time.sleep in the retry loop: records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> SleepLog:
    return SleepLog()


@pytest.fixture
def client_factory(settings: HttpSettings, sleeps: SleepLog) -> Iterator[Callable[..., ProviderHttpClient]]:
    made: list[ProviderHttpClient] = []

    def make(**overrides: object) -> ProviderHttpClient:
        client = ProviderHttpClient(replace(settings, **overrides), sleep=sleeps)  # type: ignore[arg-type]
        made.append(client)
        return client

    yield make
    for c in made:
        c.close()
