"""The HTTP machinery every enrichment provider shares: timeouts, retries, Retry-After, rate limit, breaker.

One `ProviderHttpClient` per provider. A call is at most `attempts` HTTP exchanges (3, as the scoring spec
says): transport errors (timeouts included), 429 and 5xx are retried after exponential backoff with jitter,
or after the server's `Retry-After` (seconds or HTTP-date) capped at `retry_after_cap_s`; other 4xx are
answers and are not. Every exchange first passes the circuit breaker and the token bucket. A call never
outlives its `deadline` (time.monotonic()): no sleep or request is started that would end past it.
Failures surface as ProviderError subclasses whose `kind` names them for metrics; the API key (the deployment's, else
the environment variable the ruleset names) is sent as a header and never logged or repr'd.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, wait_exponential_jitter

from leadgate_dagster.providers.call_stats import CallStats
from leadgate_dagster.providers.resilience import (
    CircuitBreaker,
    CircuitOpenError,
    TokenBucket,
    parse_retry_after,
)


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """One provider's HTTP settings (the ruleset's `enrichment.providers.<kind>` section)."""

    base_url: str
    timeout_s: float = 5.0
    connect_timeout_s: float = 2.0
    attempts: int = 3
    backoff_initial_s: float = 0.25
    backoff_max_s: float = 4.0
    retry_after_cap_s: float = 30.0
    rate_per_s: float = 20.0
    burst: int = 20
    breaker_failures: int = 5
    breaker_cooldown_s: float = 60.0
    max_connections: int = 16
    api_key_env: str | None = None
    api_key_header: str = "Authorization"
    api_key: str = field(default="", repr=False)  # given by the deployment (EnrichmentResource); wins over the env


class ProviderError(Exception):
    """A provider call that gave no usable answer; `kind` is its metrics label."""

    kind = "error"


class ProviderTransportError(ProviderError):
    kind = "transport"


class ProviderTimeout(ProviderTransportError):
    kind = "timeout"


class ProviderStatusError(ProviderError):
    """An HTTP error status; `retry_after` is the server's Retry-After in seconds, if it sent one."""

    def __init__(self, status: int, retry_after: float | None = None, detail: str = "") -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after
        self.detail = detail  # a 4xx's body (cut short): the server's own words, for a person to read
        self.kind = "rate_limited" if status == 429 else ("http_5xx" if status >= 500 else "http_4xx")


class MalformedResponseError(ProviderError):
    """A 2xx whose body is not the JSON the provider promised."""

    kind = "malformed"


class ProviderCircuitOpen(ProviderError):
    kind = "circuit_open"


class DeadlineExceeded(ProviderError):
    kind = "deadline"


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, ProviderTransportError):
        return True
    return isinstance(exc, ProviderStatusError) and (exc.status == 429 or exc.status >= 500)


class ProviderHttpClient:
    """An httpx client for one provider, with the shared retry, rate-limit and breaker policy."""

    def __init__(self, settings: HttpSettings, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.stats = CallStats()
        self.breaker = CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown_s)
        self.bucket = TokenBucket(settings.rate_per_s, settings.burst)
        self._sleep = sleep
        self._backoff = wait_exponential_jitter(initial=settings.backoff_initial_s,
                                                max=settings.backoff_max_s, jitter=settings.backoff_initial_s)
        limits = httpx.Limits(max_connections=settings.max_connections,
                              max_keepalive_connections=settings.max_connections)
        timeout = httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s)
        self._client = httpx.Client(base_url=settings.base_url, headers=self._auth_headers(), limits=limits,
                                    timeout=timeout, transport=transport)

    def _auth_headers(self) -> dict[str, str]:
        name = self.settings.api_key_env
        key = self.settings.api_key or (os.environ.get(name, "") if name else "")
        if not key:
            return {}
        header = self.settings.api_key_header
        return {header: f"Bearer {key}" if header.lower() == "authorization" else key}

    def __repr__(self) -> str:  # never the headers: they hold the API key
        return f"ProviderHttpClient({self.settings.base_url!r})"

    def close(self) -> None:
        self._client.close()

    def request_json(self, method: str, path: str, *, body: Any = None, params: Mapping[str, str] | None = None,
                     deadline: float | None = None, content: bytes | None = None,
                     headers: Mapping[str, str] | None = None, want_json: bool = True) -> Any:
        """One logical call: up to `attempts` exchanges, returning the decoded JSON body of the 2xx answer.

        Args:
            method: "GET" or "POST".
            path: path under the base URL (or an absolute URL: httpx adds a slash to a base URL's path).
            body: JSON body for POST.
            params: query parameters, merged with any the URL carries.
            deadline: time.monotonic() by which the call must have ended, or None.
            content: the exact bytes to send instead of `body` (a signed webhook signs these bytes).
            headers: headers of this call, beside the client's.
            want_json: False for a call whose 2xx answer's body does not matter (a webhook's).

        Returns:
            The decoded JSON (with `want_json` False: the 2xx status code).

        Raises:
            ProviderError: the subclass of the last attempt's failure (ProviderCircuitOpen, DeadlineExceeded,
                ProviderStatusError, ProviderTimeout, ProviderTransportError, MalformedResponseError).
        """
        retrying = Retrying(stop=self._stop(deadline), wait=self._wait, retry=retry_if_exception(_retryable),
                            sleep=self._sleep, reraise=True)
        request = {"json": body, "params": params, "content": content, "headers": headers}
        return retrying(self._attempt, method, path, request, deadline, want_json)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, ProviderStatusError) and exc.retry_after is not None:
            return min(exc.retry_after, self.settings.retry_after_cap_s)
        return float(self._backoff(state))

    def _stop(self, deadline: float | None) -> Callable[[RetryCallState], bool]:
        attempts = self.settings.attempts

        def stop(state: RetryCallState) -> bool:
            if state.attempt_number >= attempts:
                return True
            return deadline is not None and time.monotonic() + (state.upcoming_sleep or 0.0) >= deadline

        return stop

    def _attempt(self, method: str, path: str, request: dict[str, Any], deadline: float | None,
                 want_json: bool) -> Any:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            self.stats.record("deadline", None)
            raise DeadlineExceeded("deadline passed")
        try:
            self.breaker.before_call()
        except CircuitOpenError as exc:
            self.stats.record("circuit_open", None)
            raise ProviderCircuitOpen(str(exc)) from exc
        if not self.bucket.acquire(timeout=remaining):
            self.breaker.release()  # no exchange happened: no verdict on the provider
            self.stats.record("deadline", None)
            raise DeadlineExceeded("rate limit wait would pass the deadline")
        timeout = self._client.timeout if remaining is None else _shorter(self._client.timeout, deadline)
        started = time.monotonic()
        try:
            response = self._client.request(method, path, timeout=timeout, **request)
        except httpx.TimeoutException as exc:
            self._failed("timeout", started)
            raise ProviderTimeout(type(exc).__name__) from exc
        except httpx.TransportError as exc:
            self._failed("transport", started)
            raise ProviderTransportError(type(exc).__name__) from exc
        return self._decode(response, started, want_json)

    def _decode(self, response: httpx.Response, started: float, want_json: bool = True) -> Any:
        status = response.status_code
        if status == 429 or status >= 500:
            error = ProviderStatusError(status, parse_retry_after(response.headers.get("Retry-After")))
            self._failed(error.kind, started)
            raise error
        if status >= 400:  # the provider answered: healthy, the request was the problem (or a 404 miss)
            self.breaker.on_success()
            self.stats.record("http_4xx", time.monotonic() - started)
            raise ProviderStatusError(status, detail=response.text[:2000])
        if not want_json:
            self.breaker.on_success()
            self.stats.record("ok", time.monotonic() - started)
            return status
        try:
            data = response.json()
        except ValueError as exc:
            self._failed("malformed", started)
            raise MalformedResponseError("body is not JSON") from exc
        self.breaker.on_success()
        self.stats.record("ok", time.monotonic() - started)
        return data

    def _failed(self, outcome: str, started: float) -> None:
        self.breaker.on_failure()
        self.stats.record(outcome, time.monotonic() - started)


def _shorter(timeout: httpx.Timeout, deadline: float | None) -> httpx.Timeout:
    """The client's timeouts, none longer than what is left before the deadline (at least 1 ms)."""
    if deadline is None:
        return timeout
    left = max(0.001, deadline - time.monotonic())
    return httpx.Timeout(connect=min(timeout.connect or left, left), read=min(timeout.read or left, left),
                         write=min(timeout.write or left, left), pool=min(timeout.pool or left, left))
