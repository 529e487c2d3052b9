"""enrich_batch without a cache: deadlines, broken providers and metrics never fail or stall the batch."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from leadgate_dagster.providers.enrichment import firmographics, geocoding
from leadgate_dagster.providers.enrichment.base import HttpBatchLookup, ProviderResult
from leadgate_dagster.providers.enrichment.runner import GRACE_S, enrich_batch
from leadgate_dagster.providers.http_client import ProviderHttpClient
from tests.providers.enrichment.local_server import Script

Make = Callable[..., ProviderHttpClient]


class Stubborn:
    """A provider that ignores its deadline (a blocking SDK call, say)."""

    kind = "stubborn"
    cacheable = True
    ttl = miss_ttl = timedelta(hours=1)

    def __init__(self, sleep_s: float) -> None:
        self.sleep_s = sleep_s

    def lookup(self, keys: Sequence[str], *, deadline: float | None = None) -> dict[str, ProviderResult]:
        time.sleep(self.sleep_s)
        return {k: ProviderResult(k, "ok", {"v": 1}) for k in keys}

    def neutral(self, key: str) -> dict[str, Any]:
        return {"v": None}


class Broken(Stubborn):
    def lookup(self, keys: Sequence[str], *, deadline: float | None = None) -> dict[str, ProviderResult]:
        raise RuntimeError("SDK exploded")


def test_a_provider_ignoring_its_deadline_is_cut_off_after_the_grace() -> None:
    offline = geocoding.OfflineGeocoding()  # loads its tables here, outside the deadline
    started = time.monotonic()
    out = enrich_batch({"stubborn": ["a", "b"], "geocoding": ["US:10001"]},
                       {"stubborn": Stubborn(1.0), "geocoding": offline}, None, deadline_s=0.05)
    assert time.monotonic() - started < 0.05 + GRACE_S + 0.2
    assert {r.source for r in out.results["stubborn"].values()} == {"neutral"}
    assert out.results["stubborn"]["a"].data == {"v": None, "error": "deadline"}
    assert out.results["geocoding"]["US:10001"].data["locality"] == "New York"
    assert out.metrics["stubborn"]["failure"] == "deadline" and out.metrics["stubborn"]["deadline_hit"]
    assert out.pending_by_provider() == {"stubborn": ["a", "b"]}


def test_a_provider_that_raises_degrades_to_neutral() -> None:
    out = enrich_batch({"broken": ["a"]}, {"broken": Broken(0)}, None, deadline_s=1.0)
    r = out.results["broken"]["a"]
    assert (r.status, r.source, r.reason, r.data["error"]) == ("error", "neutral", "ENRICHMENT_UNAVAILABLE",
                                                               "RuntimeError")
    assert out.metrics["broken"]["failure"] == "RuntimeError"


def test_per_provider_deadlines_and_concurrency(script: Script, client_factory: Make) -> None:
    script.known["fast.com"] = {"name": "Fast"}
    script.delay_s = 0.2
    http = HttpBatchLookup("firmographics", client_factory(timeout_s=1.0), firmographics.parse_http,
                           neutral=firmographics.neutral_value)
    started = time.monotonic()
    out = enrich_batch({"firmographics": ["fast.com"], "stubborn": ["x"]},
                       {"firmographics": http, "stubborn": Stubborn(0.2)}, None,
                       deadline_s={"firmographics": 1.0, "stubborn": 1.0})
    assert time.monotonic() - started < 0.35  # the two ran side by side (one after the other: >= 0.4 s)
    assert out.results["firmographics"]["fast.com"].data["company"] == "Fast"
    assert out.results["stubborn"]["x"].status == "ok" and out.pending_retry == ()
    m = out.metrics["firmographics"]
    assert m["success_rate"] == 1.0 and m["http_outcomes"] == {"ok": 1} and m["latency_p95_ms"] >= 200
    assert m["cache_hit_rate"] is None  # no cache given


def test_offline_metrics_and_empty_keys() -> None:
    out = enrich_batch({"geocoding": ["US:94105", "", None, "US:94105", "ES:1"]},
                       {"geocoding": geocoding.OfflineGeocoding()}, None)
    m = out.metrics["geocoding"]
    assert (m["keys"], m["ok"], m["miss"], m["success_rate"], m["cache_hit_rate"]) == (2, 1, 1, 1.0, None)
    assert "http_calls" not in m
