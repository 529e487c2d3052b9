"""Enrichment throughput on the distinct keys of 100,000 synthetic leads, offline and over HTTP.

    .venv/bin/python benchmarks/enrich.py [--leads 100000] [--seed 7] [--latency-ms 50] [--batch-size 100]
        [--concurrency 16] [--pg-server-url postgresql://postgres@127.0.0.1:5432/postgres]

1. Offline: the five offline providers (email verification, phone intelligence, geocoding, firmographics, IP
   risk) through `enrich_batch`, all at once as a batch run does.
2. HTTP: the email-verification keys (the largest set, ~1 per lead) through `HttpBatchLookup` against a local
   API in another process that takes `--latency-ms` per request, in batches of `--batch-size` with at most
   `--concurrency` requests in flight (retries, rate limit and breaker on, as in production).
3. With `--pg-server-url` (a PostgreSQL server; a throwaway database is created, migrated and dropped): the HTTP
   run again through the Postgres cache, cold (every answer written back) then warm (every key a fresh hit).

Keys/s counts distinct keys; leads/s is the 100k leads over the same elapsed time. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import time
import uuid
from collections.abc import Mapping
from typing import Any

from local_api import serve

from leadgate_dagster.providers.enrichment import email_verification, enrich_batch, providers_from_rules
from leadgate_dagster.providers.enrichment.base import HttpBatchLookup
from leadgate_dagster.providers.enrichment.shipped import firmographics_sample, postal_centroids, us_zip_index
from leadgate_dagster.providers.http_client import HttpSettings, ProviderHttpClient

FREE = ["gmail.com"] * 6 + ["yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "gmx.de", "orange.fr"]
NAMES = ["ann", "jose", "li", "mark", "priya", "hans", "fatima", "kenji", "olivia", "noah", "grace", "tom"]


def synth_keys(n: int, seed: int) -> dict[str, list[str]]:
    """The keys of `n` leads per provider (with the duplicates real batches have)."""
    rng = random.Random(seed)
    zips = sorted(us_zip_index())[::7]
    other = [f"{c}:{p}" for c, rows in postal_centroids().items() for p in rows]
    known_domains = sorted(firmographics_sample())
    domains = known_domains + [f"co{i}.{rng.choice(['com', 'io', 'de', 'co.uk'])}" for i in range(3000)]
    keys: dict[str, list[str]] = {k: [] for k in ("email_verification", "phone_intel", "geocoding",
                                                   "firmographics", "ip_risk")}
    for i in range(n):
        domain = rng.choice(domains)
        mail_domain = rng.choice(FREE) if rng.random() < 0.4 else domain
        keys["email_verification"].append(f"{rng.choice(NAMES)}.{i % (n - n // 20)}@{mail_domain}")
        cc = rng.random()
        phone = (f"+1415{rng.randrange(10**7):07d}" if cc < 0.6 else f"+447{rng.randrange(400, 999)}"
                 f"{rng.randrange(10**6):06d}" if cc < 0.8 else f"+49151{rng.randrange(10**8):08d}")
        keys["phone_intel"].append(phone)
        keys["geocoding"].append(f"US:{rng.choice(zips)}" if rng.random() < 0.7 else rng.choice(other))
        keys["firmographics"].append(domain)
        r = rng.random()
        ip = (f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}" if r < 0.05 else
              f"104.131.{rng.randrange(256)}.{rng.randrange(256)}" if r < 0.10 else
              f"{rng.randrange(11, 220)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}")
        keys["ip_risk"].append(ip)
    return keys


def _verdict(kind: str, key: str) -> dict[str, Any]:
    verdicts = ("valid", "valid", "valid", "risky", "invalid", "unknown")
    return {"verdict": verdicts[hash(key) % 6]}


def _rates(keys: int, leads: int, seconds: float) -> dict[str, float]:
    return {"seconds": round(seconds, 3), "keys": keys, "keys_per_s": round(keys / seconds),
            "leads_per_s": round(leads / seconds)}


def run_offline(keys: Mapping[str, list[str]], leads: int) -> dict[str, Any]:
    providers = providers_from_rules()  # loads the shipped tables here, outside the timing
    started = time.perf_counter()
    out = enrich_batch(keys, providers, None, deadline_s=600)
    seconds = time.perf_counter() - started
    distinct = sum(m["keys"] for m in out.metrics.values())
    per = {k: {"keys": m["keys"], "ms": m["elapsed_ms"], "ok": m["ok"], "miss": m["miss"]}
           for k, m in out.metrics.items()}
    return {**_rates(distinct, leads, seconds), "providers": per}


def run_http(keys: list[str], leads: int, url: str, args: argparse.Namespace, cache: Any = None,
             label: str = "http") -> dict[str, Any]:
    settings = HttpSettings(base_url=url, timeout_s=5.0, rate_per_s=0, burst=1, breaker_failures=20,
                            max_connections=args.concurrency)
    provider = HttpBatchLookup("email_verification", ProviderHttpClient(settings), email_verification.parse_http,
                               batch_size=args.batch_size, max_concurrency=args.concurrency)
    started = time.perf_counter()
    out = enrich_batch({"email_verification": keys}, {"email_verification": provider}, cache, deadline_s=600)
    seconds = time.perf_counter() - started
    m = out.metrics["email_verification"]
    provider.client.close()
    return {**_rates(m["keys"], leads, seconds), "requests": m.get("http_calls", 0),
            "success_rate": m["success_rate"], "cache_hit_rate": m["cache_hit_rate"],
            "latency_p50_ms": m.get("latency_p50_ms"), "latency_p95_ms": m.get("latency_p95_ms")}


def run_cached(keys: list[str], leads: int, url: str, args: argparse.Namespace) -> dict[str, Any]:
    import sqlalchemy as sa

    from leadgate_dagster.store.enrichment_cache import EnrichmentCache
    from leadgate_dagster.store.migrate import upgrade

    name = f"leadgate_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(args.pg_server_url.replace("postgresql://", "postgresql+psycopg://", 1),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine = sa.create_engine(admin.url.set(database=name))
    try:
        upgrade(engine)
        cache = EnrichmentCache(engine)
        return {"cold": run_http(keys, leads, url, args, cache), "warm": run_http(keys, leads, url, args, cache)}
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--pg-server-url", default=None)
    args = parser.parse_args()

    keys = synth_keys(args.leads, args.seed)
    distinct = {k: len(set(v)) for k, v in keys.items()}
    print(f"{args.leads} leads; distinct keys per provider: {distinct}")
    offline = run_offline(keys, args.leads)
    print(f"offline, 5 providers: {offline['keys']} keys in {offline['seconds']} s = {offline['keys_per_s']} keys/s,"
          f" {offline['leads_per_s']} leads/s; per provider: {offline['providers']}")

    port: Any = mp.Value("i", 0)
    server = mp.get_context("fork").Process(target=serve, args=(port, args.latency_ms / 1000, _verdict), daemon=True)
    server.start()
    while not port.value:
        time.sleep(0.01)
    url = f"http://127.0.0.1:{port.value}"
    try:
        http = run_http(keys["email_verification"], args.leads, url, args)
        print(f"http email_verification ({args.latency_ms:.0f} ms/request, batches of {args.batch_size}, "
              f"{args.concurrency} in flight): {http['keys']} keys in {http['seconds']} s = {http['keys_per_s']} "
              f"keys/s, {http['leads_per_s']} leads/s, {http['requests']} requests, p50 {http['latency_p50_ms']} ms,"
              f" p95 {http['latency_p95_ms']} ms")
        cached = run_cached(keys["email_verification"], args.leads, url, args) if args.pg_server_url else None
        if cached:
            for phase, r in cached.items():
                print(f"http + postgres cache, {phase}: {r['keys_per_s']} keys/s, {r['leads_per_s']} leads/s, "
                      f"cache hit rate {r['cache_hit_rate']}, {r['requests']} requests")
    finally:
        server.terminate()
        server.join()
    summary: dict[str, Any] = {
        "leads": args.leads, "offline_keys": offline["keys"], "offline_keys_per_s": offline["keys_per_s"],
        "offline_leads_per_s": offline["leads_per_s"], "http_keys": http["keys"],
        "http_keys_per_s": http["keys_per_s"], "http_leads_per_s": http["leads_per_s"],
        "http_latency_ms": args.latency_ms, "http_batch_size": args.batch_size,
        "http_concurrency": args.concurrency, "http_requests": http["requests"]}
    if cached:
        summary.update({"cached_cold_keys_per_s": cached["cold"]["keys_per_s"],
                        "cached_warm_keys_per_s": cached["warm"]["keys_per_s"],
                        "cached_warm_hit_rate": cached["warm"]["cache_hit_rate"]})
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
