"""HTTP to one lead-source API, on the enrichment providers' client: timeouts, retries of transport errors,
429 and 5xx with exponential backoff and jitter, the server's Retry-After honoured, and a deadline no retry
outlives. The token goes where the source's `auth` says and is never logged or repr'd."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

from leadgate_dagster.core.lead_sources import LeadSourceSpec
from leadgate_dagster.providers.http_client import HttpSettings, ProviderHttpClient


class LeadSourceClient:
    """GETs pages of one source's feed; a failure raises the shared client's ProviderError subclasses."""

    def __init__(self, spec: LeadSourceSpec, *, url: str, token: str) -> None:
        auth = spec.auth
        header = "Authorization" if auth.style == "bearer" else (auth.name or "")
        self._url = url
        self._query_auth = {auth.name or "": token} if token and auth.style == "query" else {}
        self._http = ProviderHttpClient(HttpSettings(
            base_url=url, timeout_s=spec.timeout_s, connect_timeout_s=min(spec.timeout_s, 5.0),
            attempts=spec.retry_attempts, backoff_initial_s=spec.retry_backoff_s,
            backoff_max_s=max(spec.retry_backoff_s, 8.0), rate_per_s=0,
            breaker_failures=spec.retry_attempts + 1,  # a client lives one tick: the sensor cursor backs off
            max_connections=1, api_key_header=header,
            api_key=token if auth.style != "query" else ""))

    def __repr__(self) -> str:  # never the token
        return f"LeadSourceClient({self._url!r})"

    def fetch(self, params: Mapping[str, str], deadline: float) -> Any:
        """The decoded JSON of one page.

        Args:
            params: the page's query (cursor or since value, page size, fixed parameters).
            deadline: time.monotonic() by which the call, retries included, must have ended.
        """
        return self._http.request_json("GET", self._url, params={**params, **self._query_auth}, deadline=deadline)

    def __enter__(self) -> LeadSourceClient:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._http.close()
