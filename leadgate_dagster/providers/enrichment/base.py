"""What every enrichment provider is: `lookup(keys)` over a batch's distinct keys, one result per key.

Offline providers answer from shipped data; HTTP providers answer through `HttpBatchLookup`, which splits
the keys into chunks for the provider's batch endpoint (`POST /v1/<kind>/batch`, or `GET /v1/<kind>/<key>`
when `batch_size` is 1), runs them on a bounded thread pool and stops waiting at the deadline. Neither ever
raises for a key it cannot answer: that key is an "error" result, which the runner replaces with a cached
or neutral value.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import quote

from leadgate_dagster.core.provider_results import UNAVAILABLE, ProviderResult
from leadgate_dagster.providers.call_stats import CallStats
from leadgate_dagster.providers.http_client import (
    MalformedResponseError,
    ProviderError,
    ProviderHttpClient,
    ProviderStatusError,
)


class EnrichmentProvider(Protocol):
    """A provider of one kind. `cacheable` is False for offline ones (their answers cost nothing)."""

    kind: str
    cacheable: bool
    ttl: timedelta
    miss_ttl: timedelta

    def lookup(self, keys: Sequence[str], *, deadline: float | None = None) -> dict[str, ProviderResult]:
        """One result per distinct key; keys not answered by `deadline` (monotonic) are "error"."""
        ...

    def neutral(self, key: str) -> dict[str, Any]:
        """The value a lead gets when nothing is known: scores read it as "no signal"."""
        ...


def error_result(key: str, kind: str) -> ProviderResult:
    return ProviderResult(key, "error", {"error": kind}, "live", UNAVAILABLE)


def distinct(keys: Iterable[str | None]) -> list[str]:
    """The non-empty keys, each once, in first-seen order."""
    return list(dict.fromkeys(k for k in keys if k))


class OfflineProvider:
    """Base of the offline providers: a pure function of the key over shipped data, never cached."""

    kind = "offline"
    cacheable = False
    ttl = timedelta(0)
    miss_ttl = timedelta(0)

    def answer(self, key: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def neutral(self, key: str) -> dict[str, Any]:
        return {}

    def lookup(self, keys: Sequence[str], *, deadline: float | None = None) -> dict[str, ProviderResult]:
        """Answer every key from the shipped data (the deadline does not apply to local work)."""
        now = datetime.now(UTC)
        out: dict[str, ProviderResult] = {}
        for key in distinct(keys):
            data = self.answer(key)
            out[key] = (ProviderResult(key, "ok", data, "offline", None, now) if data is not None
                        else ProviderResult(key, "miss", {}, "offline", None, now))
        return out


Parse = Callable[[str, Mapping[str, Any]], dict[str, Any]]


class HttpBatchLookup:
    """The HTTP side of a provider: chunks of keys on a bounded pool against one ProviderHttpClient.

    The wire format (our local test servers speak it; a vendor adapter maps onto it):
    `POST /v1/<kind>/batch {"keys": [...]}` -> `{"results": [{"key": k, "found": bool, "data": {...}}]}`
    and `GET /v1/<kind>/<key>` -> `{"key": k, "found": bool, "data": {...}}` (404: not found).
    """

    cacheable = True

    def __init__(self, kind: str, client: ProviderHttpClient, parse: Parse, *, batch_size: int = 100,
                 max_concurrency: int = 8, ttl: timedelta = timedelta(days=30),
                 miss_ttl: timedelta = timedelta(days=1),
                 neutral: Callable[[str], dict[str, Any]] | None = None) -> None:
        self.kind = kind
        self.client = client
        self._parse = parse
        self._neutral = neutral
        self._batch_size = max(1, batch_size)
        self._workers = max(1, max_concurrency)
        self.ttl = ttl
        self.miss_ttl = miss_ttl

    @property
    def stats(self) -> CallStats:
        return self.client.stats

    def lookup(self, keys: Sequence[str], *, deadline: float | None = None) -> dict[str, ProviderResult]:
        """All keys, `max_concurrency` requests at a time; unanswered by the deadline means an error."""
        todo = distinct(keys)
        if not todo:
            return {}
        size = self._batch_size
        chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
        out: dict[str, ProviderResult] = {}
        pool = ThreadPoolExecutor(max_workers=min(self._workers, len(chunks)), thread_name_prefix=self.kind)
        try:
            futures = [pool.submit(self._chunk, chunk, deadline) for chunk in chunks]
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            done, _ = wait(futures, timeout=timeout)
            for future in done:
                out.update(future.result())
        finally:
            # stragglers end by themselves: every request and sleep they start is bounded by the deadline
            pool.shutdown(wait=False, cancel_futures=True)
        for key in todo:
            out.setdefault(key, error_result(key, "deadline"))
        return out

    def _chunk(self, keys: list[str], deadline: float | None) -> dict[str, ProviderResult]:
        try:
            if self._batch_size == 1:
                return {keys[0]: self._one(keys[0], deadline)}
            body = self.client.request_json("POST", f"/v1/{self.kind}/batch", body={"keys": keys},
                                            deadline=deadline)
            items = body.get("results") if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise MalformedResponseError("no results list")
            answered = {str(i.get("key")): i for i in items if isinstance(i, dict)}
            return {k: self._item(k, answered.get(k)) for k in keys}
        except ProviderError as exc:
            return {k: error_result(k, exc.kind) for k in keys}

    def _one(self, key: str, deadline: float | None) -> ProviderResult:
        try:
            path = f"/v1/{self.kind}/{quote(key, safe='')}"
            item = self.client.request_json("GET", path, deadline=deadline)
        except ProviderStatusError as exc:
            if exc.status == 404:
                return ProviderResult(key, "miss", {}, "live")
            raise
        return self._item(key, item if isinstance(item, dict) else None)

    def _item(self, key: str, item: Mapping[str, Any] | None) -> ProviderResult:
        if item is None:
            return error_result(key, "not_answered")
        if not item.get("found", True):
            return ProviderResult(key, "miss", {}, "live")
        raw = item.get("data")
        if not isinstance(raw, dict):
            return error_result(key, "malformed")
        try:
            return ProviderResult(key, "ok", self._parse(key, raw), "live")
        except (KeyError, TypeError, ValueError):
            return error_result(key, "malformed")

    def neutral(self, key: str) -> dict[str, Any]:
        return self._neutral(key) if self._neutral else {}
