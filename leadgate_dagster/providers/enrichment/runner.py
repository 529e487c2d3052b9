"""enrich_batch: every provider over its distinct keys, at once, each under its own deadline.

Per provider: fresh cache rows are used as they are; the rest are asked of the provider (offline or HTTP)
on a worker thread that gets `deadline_s`. Whatever has not answered by then, or answered with an error,
continues with the stale cached value if there is one (ENRICHMENT_STALE), else with the provider's neutral
value (ENRICHMENT_UNAVAILABLE), and is listed in `pending_retry` for the recheck job, so the scoring spec's
"score now with what is known, retry asynchronously, re-score later" holds. A provider that raises, hangs
or ignores its deadline costs the batch at most its deadline plus a short grace: never a failure or a stall.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from leadgate_dagster.core.provider_results import UNAVAILABLE, ProviderResult
from leadgate_dagster.providers.call_stats import summarize
from leadgate_dagster.providers.enrichment.base import EnrichmentProvider, distinct

log = logging.getLogger(__name__)
DEFAULT_DEADLINE_S = 10.0
GRACE_S = 0.25  # past its deadline a provider's lookup gets this long to hand back what it has


class Cached(Protocol):
    @property
    def fresh(self) -> Mapping[str, ProviderResult]: ...

    @property
    def stale(self) -> Mapping[str, ProviderResult]: ...


class Cache(Protocol):
    """What the runner needs of the cache (`store.enrichment_cache.EnrichmentCache`)."""

    def get(self, provider: str, keys: Iterable[str]) -> Cached: ...

    def put(self, provider: str, results: Iterable[ProviderResult], *, ttl: timedelta,
            miss_ttl: timedelta) -> int: ...


@dataclass(frozen=True)
class EnrichmentOutcome:
    """The batch's answers, what to retry later, and per-provider figures for asset metadata.

    Attributes:
        results: provider kind -> key -> result (exactly one per distinct key asked).
        pending_retry: (provider, key) pairs that got a stale or neutral fallback.
        metrics: provider kind -> plain dict of counts, rates and latencies.
        errors: (provider, key) of `pending_retry` -> what left it unanswered (timeout, http_5xx, deadline ...).
    """

    results: dict[str, dict[str, ProviderResult]]
    pending_retry: tuple[tuple[str, str], ...]
    metrics: dict[str, dict[str, Any]]
    errors: dict[tuple[str, str], str] = field(default_factory=dict)

    def pending_by_provider(self) -> dict[str, list[str]]:
        """`pending_retry` regrouped as `keys_by_provider` for the recheck job's `enrich_batch`."""
        out: dict[str, list[str]] = {}
        for kind, key in self.pending_retry:
            out.setdefault(kind, []).append(key)
        return out


@dataclass(frozen=True)
class _Plan:
    kind: str
    provider: EnrichmentProvider
    keys: list[str]
    fresh: dict[str, ProviderResult]
    stale: dict[str, ProviderResult]
    deadline: float
    cached: bool  # the cache was asked (a cache was given and the provider's answers are cacheable)


def _ask(provider: EnrichmentProvider, keys: Sequence[str], deadline: float
         ) -> tuple[dict[str, ProviderResult], float]:
    """The provider's answers and the time its lookup ended (monotonic)."""
    answers = provider.lookup(keys, deadline=deadline) if keys else {}
    return answers, time.monotonic()


def _deadline(deadline_s: float | Mapping[str, float], kind: str) -> float:
    if isinstance(deadline_s, Mapping):
        return float(deadline_s.get(kind, DEFAULT_DEADLINE_S))
    return float(deadline_s)


def enrich_batch(keys_by_provider: Mapping[str, Iterable[str | None]],
                 providers: Mapping[str, EnrichmentProvider], cache: Cache | None = None,
                 deadline_s: float | Mapping[str, float] = DEFAULT_DEADLINE_S) -> EnrichmentOutcome:
    """Enrich one batch's distinct keys through every provider concurrently; never raises for a provider.

    Args:
        keys_by_provider: provider kind -> the batch's keys for it (duplicates and empty keys are dropped).
        providers: provider kind -> provider; every kind in `keys_by_provider` must be here.
        cache: the enrichment cache, or None to run without one (offline providers never use it).
        deadline_s: seconds each provider gets for the batch, one figure or one per kind.

    Returns:
        The outcome: one result per (kind, distinct key), the pending retries and the metrics.
    """
    started = time.monotonic()
    plans: list[_Plan] = []
    for kind, raw in keys_by_provider.items():
        provider = providers[kind]
        keys = distinct(raw)
        use_cache = cache is not None and provider.cacheable and bool(keys)
        cached = cache.get(kind, keys) if use_cache and cache is not None else None
        plans.append(_Plan(kind, provider, keys, dict(cached.fresh) if cached else {},
                           dict(cached.stale) if cached else {}, started + _deadline(deadline_s, kind),
                           use_cache))
    marks = {p.kind: stats.mark() for p in plans if (stats := getattr(p.provider, "stats", None)) is not None}
    answered: dict[str, dict[str, ProviderResult]] = {}
    ended: dict[str, float] = {}
    failures: dict[str, str] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, len(plans)), thread_name_prefix="enrich")
    try:
        futures = {p.kind: pool.submit(_ask, p.provider, [k for k in p.keys if k not in p.fresh], p.deadline)
                   for p in plans}
        for p in sorted(plans, key=lambda p: p.deadline):
            try:
                wait_s = max(0.0, p.deadline + GRACE_S - time.monotonic())
                answered[p.kind], ended[p.kind] = futures[p.kind].result(timeout=wait_s)
            except FutureTimeout:
                failures[p.kind] = "deadline"
            except Exception as exc:
                failures[p.kind] = type(exc).__name__
                log.warning("enrichment provider %s failed: %s", p.kind, type(exc).__name__)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    results: dict[str, dict[str, ProviderResult]] = {}
    pending: list[tuple[str, str]] = []
    errors: dict[tuple[str, str], str] = {}
    metrics: dict[str, dict[str, Any]] = {}
    for p in plans:
        merged, retry = _merge(p, answered.get(p.kind, {}), failures.get(p.kind))
        results[p.kind] = merged
        pending += [(p.kind, k) for k in retry]
        errors.update({(p.kind, k): e for k, e in retry.items()})
        if cache is not None and p.provider.cacheable:
            cache.put(p.kind, answered.get(p.kind, {}).values(), ttl=p.provider.ttl,
                      miss_ttl=p.provider.miss_ttl)
        metrics[p.kind] = _metrics(p, merged, retry, failures.get(p.kind), marks,
                                   ended.get(p.kind, time.monotonic()) - started)
    return EnrichmentOutcome(results, tuple(pending), metrics, errors)


def _merge(plan: _Plan, answered: Mapping[str, ProviderResult], failure: str | None
           ) -> tuple[dict[str, ProviderResult], dict[str, str]]:
    """One result per key, and the keys to retry with the error kind that left them unanswered."""
    now = datetime.now(UTC)
    out: dict[str, ProviderResult] = {}
    retry: dict[str, str] = {}
    for key in plan.keys:
        got = plan.fresh.get(key) or answered.get(key)
        if got is not None and got.status != "error":
            out[key] = got
            continue
        retry[key] = str((got.data.get("error") if got is not None else None) or failure or "no_answer")
        stale = plan.stale.get(key)
        out[key] = stale if stale is not None else ProviderResult(
            key, "error", {**plan.provider.neutral(key), "error": retry[key]}, "neutral", UNAVAILABLE, now)
    return out, retry


def _metrics(plan: _Plan, merged: Mapping[str, ProviderResult], retry: Mapping[str, str],
             failure: str | None, marks: Mapping[str, int], elapsed_s: float) -> dict[str, Any]:
    sources = Counter(r.source for r in merged.values())
    asked = len(plan.keys) - len(plan.fresh)
    good = asked - len(retry)
    out: dict[str, Any] = {
        "keys": len(plan.keys), "cache_fresh": len(plan.fresh), "asked": asked, "answered": good,
        "ok": sum(1 for r in merged.values() if r.status == "ok"),
        "miss": sum(1 for r in merged.values() if r.status == "miss"),
        "stale_used": sources.get("stale_cache", 0), "neutral_used": sources.get("neutral", 0),
        "pending_retry": len(retry),
        "success_rate": round(good / asked, 4) if asked else None,
        "cache_hit_rate": round(len(plan.fresh) / len(plan.keys), 4) if plan.cached else None,
        "errors": dict(Counter(retry.values())), "failure": failure,
        "elapsed_ms": round(elapsed_s * 1000, 1),
        "deadline_hit": failure == "deadline" or "deadline" in retry.values(),
    }
    stats = getattr(plan.provider, "stats", None)
    if stats is not None and plan.kind in marks:
        calls = summarize(stats.since(marks[plan.kind]))
        out.update({"http_calls": calls["calls"], "http_outcomes": calls["outcomes"],
                    "latency_p50_ms": calls["latency_p50_ms"], "latency_p95_ms": calls["latency_p95_ms"]})
    return out
