"""The shared HTTP client against a local scripted server: retries, Retry-After, breaker, rate limit."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from leadgate_dagster.providers.http_client import (
    DeadlineExceeded,
    HttpSettings,
    MalformedResponseError,
    ProviderCircuitOpen,
    ProviderHttpClient,
    ProviderStatusError,
    ProviderTimeout,
    ProviderTransportError,
)
from tests.providers.enrichment.conftest import SleepLog
from tests.providers.enrichment.local_server import Reply, Script

Make = Callable[..., ProviderHttpClient]


def test_ok_answer_is_decoded_and_recorded(script: Script, client_factory: Make) -> None:
    script.known["a@b.com"] = {"verdict": "valid"}
    client = client_factory()
    body = client.request_json("GET", "/v1/email_verification/a@b.com")
    assert body == {"key": "a@b.com", "found": True, "data": {"verdict": "valid"}}
    [record] = client.stats.since(0)
    assert record.outcome == "ok" and record.latency_s is not None and record.latency_s < 0.2


def test_5xx_is_retried_with_backoff_until_it_succeeds(script: Script, client_factory: Make,
                                                       sleeps: SleepLog) -> None:
    script.queue = [Reply(500), Reply(503)]
    script.known["k"] = {"x": 1}
    client = client_factory()
    assert client.request_json("GET", "/v1/geocoding/k")["data"] == {"x": 1}
    assert len(script.requests()) == 3
    assert len(sleeps.waits) == 2 and all(0 < w <= 0.005 for w in sleeps.waits)
    assert [r.outcome for r in client.stats.since(0)] == ["http_5xx", "http_5xx", "ok"]


def test_three_attempts_in_all_then_the_last_error(script: Script, client_factory: Make) -> None:
    script.queue = [Reply(500)] * 5
    with pytest.raises(ProviderStatusError) as err:
        client_factory().request_json("GET", "/v1/geocoding/k")
    assert err.value.status == 500 and len(script.requests()) == 3


@pytest.mark.parametrize("status", [400, 401, 404, 422], ids=["400", "401", "404", "422"])
def test_other_4xx_is_an_answer_not_retried(script: Script, client_factory: Make, status: int) -> None:
    script.queue = [Reply(status, body=b"{}")]
    with pytest.raises(ProviderStatusError) as err:
        client_factory().request_json("GET", "/v1/geocoding/k")
    assert err.value.status == status and len(script.requests()) == 1


def test_retry_after_in_seconds_is_honoured(script: Script, client_factory: Make, sleeps: SleepLog) -> None:
    script.queue = [Reply(429, headers={"Retry-After": "7"})]
    script.known["k"] = {}
    client_factory().request_json("GET", "/v1/geocoding/k")
    assert sleeps.waits == [7.0] and len(script.requests()) == 2


def test_retry_after_as_http_date_is_honoured(script: Script, client_factory: Make, sleeps: SleepLog) -> None:
    when = datetime.now(UTC) + timedelta(seconds=5)
    script.queue = [Reply(503, headers={"Retry-After": format_datetime(when, usegmt=True)})]
    script.known["k"] = {}
    client_factory().request_json("GET", "/v1/geocoding/k")
    [wait] = sleeps.waits
    assert 3.0 < wait <= 5.0  # the date has whole seconds


def test_retry_after_is_capped(script: Script, client_factory: Make, sleeps: SleepLog) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
    script.queue = [Reply(429, headers={"Retry-After": "3600"}), Reply(429, headers={"Retry-After": later})]
    script.known["k"] = {}
    client_factory(retry_after_cap_s=2.5).request_json("GET", "/v1/geocoding/k")
    assert sleeps.waits == [2.5, 2.5]


def test_real_sleep_honours_a_small_capped_retry_after(script: Script, settings: HttpSettings) -> None:
    from dataclasses import replace

    script.queue = [Reply(429, headers={"Retry-After": "1"})]
    script.known["k"] = {}
    client = ProviderHttpClient(replace(settings, retry_after_cap_s=0.05))
    started = time.monotonic()
    client.request_json("GET", "/v1/geocoding/k")
    assert 0.05 <= time.monotonic() - started < 0.5
    client.close()


def test_slow_answer_times_out_three_times(script: Script, client_factory: Make) -> None:
    script.delay_s = 0.3
    script.known["k"] = {}
    started = time.monotonic()
    with pytest.raises(ProviderTimeout):
        client_factory(timeout_s=0.03).request_json("GET", "/v1/geocoding/k")
    assert time.monotonic() - started < 0.3
    assert len(script.requests()) == 3


def test_malformed_json_is_its_own_error_and_not_retried(script: Script, client_factory: Make) -> None:
    script.queue = [Reply(200, body=b'{"results": [tru')]
    client = client_factory()
    with pytest.raises(MalformedResponseError):
        client.request_json("POST", "/v1/geocoding/batch", body={"keys": ["k"]})
    assert len(script.requests()) == 1 and client.stats.since(0)[0].outcome == "malformed"


def test_connection_refused_is_a_transport_error_after_three_attempts(client_factory: Make) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, never listening: connections are refused
        client = client_factory(base_url=f"http://127.0.0.1:{port}")
        with pytest.raises(ProviderTransportError):
            client.request_json("GET", "/v1/geocoding/k")
    assert [r.outcome for r in client.stats.since(0)] == ["transport"] * 3


def test_breaker_opens_fails_fast_then_half_opens_and_closes(script: Script, client_factory: Make) -> None:
    script.queue = [Reply(500)] * 2
    script.known["k"] = {}
    client = client_factory(breaker_failures=2, breaker_cooldown_s=0.05)
    with pytest.raises(ProviderCircuitOpen):  # two 500s open it; the third attempt is refused
        client.request_json("GET", "/v1/geocoding/k")
    assert len(script.requests()) == 2
    started = time.monotonic()
    with pytest.raises(ProviderCircuitOpen):
        client.request_json("GET", "/v1/geocoding/k")
    assert time.monotonic() - started < 0.05 and len(script.requests()) == 2  # fail fast, nothing sent
    time.sleep(0.06)
    assert client.request_json("GET", "/v1/geocoding/k")["found"] is True  # the half-open trial succeeds
    assert client.breaker.state == "closed" and len(script.requests()) == 3


def test_rate_limit_spaces_calls(script: Script, client_factory: Make) -> None:
    script.known["k"] = {}
    client = client_factory(rate_per_s=100, burst=1)
    started = time.monotonic()
    for _ in range(5):
        client.request_json("GET", "/v1/geocoding/k")
    assert time.monotonic() - started >= 0.039  # 4 waits of 10 ms after the first token


def test_no_call_starts_after_the_deadline(script: Script, client_factory: Make) -> None:
    client = client_factory(rate_per_s=1, burst=1)
    with pytest.raises(DeadlineExceeded):
        client.request_json("GET", "/v1/geocoding/k", deadline=time.monotonic() - 0.001)
    script.known["k"] = {}
    client.request_json("GET", "/v1/geocoding/k")  # takes the only token
    with pytest.raises(DeadlineExceeded):  # the next token is 1 s away, the deadline 50 ms
        client.request_json("GET", "/v1/geocoding/k", deadline=time.monotonic() + 0.05)
    assert len(script.requests()) == 1


def test_retries_stop_before_a_sleep_past_the_deadline(script: Script, client_factory: Make,
                                                       sleeps: SleepLog) -> None:
    script.queue = [Reply(429, headers={"Retry-After": "5"})]
    with pytest.raises(ProviderStatusError):
        client_factory().request_json("GET", "/v1/geocoding/k", deadline=time.monotonic() + 1.0)
    assert sleeps.waits == [] and len(script.requests()) == 1


def test_api_key_comes_from_the_environment_and_is_not_in_repr(script: Script, client_factory: Make,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADGATE_TEST_PROVIDER_KEY", "s3cret-value")
    script.known["k"] = {}
    client = client_factory(api_key_env="LEADGATE_TEST_PROVIDER_KEY", api_key_header="X-Api-Key")
    client.request_json("GET", "/v1/geocoding/k")
    assert script.requests()[0].headers.get("X-Api-Key") == "s3cret-value"
    assert "s3cret" not in repr(client) and "s3cret" not in repr(client.settings)
