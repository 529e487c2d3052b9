"""The enrichment cache on the real Postgres (`engine` fixture) and the runner's fallbacks through it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from leadgate_dagster.providers.enrichment import firmographics
from leadgate_dagster.providers.enrichment.base import HttpBatchLookup, ProviderResult
from leadgate_dagster.providers.enrichment.runner import enrich_batch
from leadgate_dagster.providers.http_client import ProviderHttpClient
from leadgate_dagster.store import enrichment_cache as cache_sql
from leadgate_dagster.store.enrichment_cache import EnrichmentCache
from tests.providers.enrichment.local_server import Reply, Script

HOUR = timedelta(hours=1)
Make = Callable[..., ProviderHttpClient]
KIND = "firmographics"


def _ok(key: str, **data: object) -> ProviderResult:
    return ProviderResult(key, "ok", dict(data), "live")


def _provider(client: ProviderHttpClient) -> HttpBatchLookup:
    return HttpBatchLookup(KIND, client, firmographics.parse_http, batch_size=10, max_concurrency=2, ttl=HOUR,
                           miss_ttl=HOUR / 2, neutral=firmographics.neutral_value)


def _rows(engine: sa.Engine) -> dict[str, tuple[str, object]]:
    with engine.connect() as conn:
        return {r.key: (r.status, r.result) for r in conn.execute(sa.text(
            "SELECT key, status, result FROM leadgate.enrichment_cache WHERE provider = :p"), {"p": KIND})}


def test_put_then_get_fresh_and_only_live_answers_are_stored(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        n = cache_sql.put(conn, KIND, [
            _ok("a.com", company="A"), ProviderResult("b.com", "miss", {}, "live"),
            ProviderResult("c.com", "error", {"error": "timeout"}, "live"),
            ProviderResult("d.com", "ok", {"company": "D"}, "offline"),
            ProviderResult("e.com", "ok", {"company": "E"}, "cache")], ttl=HOUR, miss_ttl=HOUR)
        assert n == 2
        cache_sql.put(conn, KIND, [_ok("a.com", company="A2")], ttl=HOUR, miss_ttl=HOUR)  # upsert, no duplicate
    assert _rows(engine) == {"a.com": ("ok", {"company": "A2"}), "b.com": ("miss", {})}
    got = EnrichmentCache(engine).get(KIND, ["a.com", "b.com", "c.com"])
    assert set(got.fresh) == {"a.com", "b.com"} and got.stale == {}
    assert got.fresh["a.com"].source == "cache" and got.fresh["a.com"].data == {"company": "A2"}


def test_expired_rows_are_stale_not_gone(engine: sa.Engine) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=2)
    with engine.begin() as conn:
        cache_sql.put(conn, KIND, [_ok("old.com", company="Old")], ttl=HOUR, miss_ttl=HOUR, now=long_ago)
        cache_sql.put(conn, KIND, [_ok("new.com", company="New")], ttl=HOUR, miss_ttl=HOUR)
    got = EnrichmentCache(engine).get(KIND, ["old.com", "new.com"])
    assert set(got.fresh) == {"new.com"} and set(got.stale) == {"old.com"}
    stale = got.stale["old.com"]
    assert (stale.source, stale.reason, stale.fetched_at) == ("stale_cache", "ENRICHMENT_STALE", long_ago)


def test_a_miss_expires_sooner_than_an_answer(engine: sa.Engine) -> None:
    two_hours_ago = datetime.now(UTC) - 2 * HOUR
    with engine.begin() as conn:
        cache_sql.put(conn, KIND, [_ok("a.com"), ProviderResult("m.com", "miss", {}, "live")], ttl=3 * HOUR,
                      miss_ttl=HOUR, now=two_hours_ago)
    got = EnrichmentCache(engine).get(KIND, ["a.com", "m.com"])
    assert set(got.fresh) == {"a.com"} and set(got.stale) == {"m.com"}


def test_fresh_hits_skip_the_provider_and_live_answers_are_written_back(
        engine: sa.Engine, script: Script, client_factory: Make) -> None:
    cache = EnrichmentCache(engine)
    cache.put(KIND, [_ok("cached.com", company="Cached")], ttl=HOUR, miss_ttl=HOUR)
    script.known["live.com"] = {"name": "Live", "employees": 30}
    out = enrich_batch({KIND: ["cached.com", "live.com", "unknown.com", "live.com"]},
                       {KIND: _provider(client_factory())}, cache, deadline_s=2.0)
    [post] = script.requests("POST")
    assert sorted(post.body["keys"]) == ["live.com", "unknown.com"]
    r = out.results[KIND]
    assert (r["cached.com"].source, r["live.com"].source, r["unknown.com"].status) == ("cache", "live", "miss")
    m = out.metrics[KIND]
    assert (m["keys"], m["cache_fresh"], m["cache_hit_rate"], m["success_rate"]) == (3, 1, round(1 / 3, 4), 1.0)
    assert m["http_calls"] == 1 and m["latency_p50_ms"] is not None and out.pending_retry == ()
    assert _rows(engine)["live.com"] == ("ok", firmographics.parse_http("live.com", script.known["live.com"]))
    assert _rows(engine)["unknown.com"] == ("miss", {})


def test_provider_down_uses_stale_cache_else_neutral_and_lists_both_for_retry(
        engine: sa.Engine, script: Script, client_factory: Make) -> None:
    with engine.begin() as conn:
        cache_sql.put(conn, KIND, [_ok("stale.com", company="Stale")], ttl=HOUR, miss_ttl=HOUR,
                      now=datetime.now(UTC) - timedelta(days=3))
    script.queue = [Reply(500)] * 10
    out = enrich_batch({KIND: ["stale.com", "nothing.com"]}, {KIND: _provider(client_factory())},
                       EnrichmentCache(engine), deadline_s=2.0)
    r = out.results[KIND]
    assert (r["stale.com"].source, r["stale.com"].reason, r["stale.com"].data) == (
        "stale_cache", "ENRICHMENT_STALE", {"company": "Stale"})
    neutral = r["nothing.com"]
    assert (neutral.status, neutral.source, neutral.reason) == ("error", "neutral", "ENRICHMENT_UNAVAILABLE")
    assert neutral.data == {**firmographics.neutral_value("nothing.com"), "error": "http_5xx"}
    assert sorted(out.pending_retry) == [(KIND, "nothing.com"), (KIND, "stale.com")]
    m = out.metrics[KIND]
    assert (m["stale_used"], m["neutral_used"], m["success_rate"], m["errors"]) == (1, 1, 0.0, {"http_5xx": 2})
    assert _rows(engine)["stale.com"] == ("ok", {"company": "Stale"})  # a failure never overwrites the cache


def test_breaker_open_falls_back_without_calling(engine: sa.Engine, script: Script, client_factory: Make) -> None:
    client = client_factory(breaker_failures=1, breaker_cooldown_s=60)
    client.breaker.on_failure()
    out = enrich_batch({KIND: ["x.com"]}, {KIND: _provider(client)}, EnrichmentCache(engine), deadline_s=1.0)
    assert out.results[KIND]["x.com"].data["error"] == "circuit_open" and script.requests() == []


def test_slow_provider_past_the_deadline_falls_back_to_stale(
        engine: sa.Engine, script: Script, client_factory: Make) -> None:
    with engine.begin() as conn:
        cache_sql.put(conn, KIND, [_ok("slow.com", company="Before")], ttl=HOUR, miss_ttl=HOUR,
                      now=datetime.now(UTC) - timedelta(days=1))
    script.known["slow.com"] = {"name": "After"}
    script.delay_s = 0.5
    out = enrich_batch({KIND: ["slow.com"]}, {KIND: _provider(client_factory(timeout_s=1.0))},
                       EnrichmentCache(engine), deadline_s=0.05)
    r = out.results[KIND]["slow.com"]
    assert (r.source, r.data) == ("stale_cache", {"company": "Before"})
    assert out.metrics[KIND]["deadline_hit"] is True and out.pending_retry == ((KIND, "slow.com"),)
