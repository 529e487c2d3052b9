"""Leads/s through enrichment + scoring + disposition (the enriched_leads and qualified_leads stages), offline
and against a local HTTP provider API with a fixed latency per request.

    .venv/bin/python benchmarks/score.py [--rows 100000] [--batch-events 5000] [--latency-ms 50]
        [--http-batch-size 100] [--concurrency 16] [--modes offline,http,http_warm] [--database-url URL]

Setup (timed apart, not in the figures): N synthetic messy leads (`synth.py`) are ingested, claimed in batches
of `--batch-events` (the ruleset's `batching.max_events_per_batch`, as the pipeline claims them) and run
through the raw and validation stages. Then, per mode, every batch goes through `enrich_stage` and
`qualify_stage` (the identity stage is left out: it has its own benchmark, and qualification reads its absence
as "no match"):

- offline: the five shipped offline providers + velocity, as the default deployment runs them;
- http: all five providers over HTTP against a local API in another process that sleeps `--latency-ms` per
  request (one gateway serving /v1/<kind>/batch), cold cache: keys go in requests of `--http-batch-size`, at
  most `--concurrency` in flight per provider (five providers side by side), with retries, rate limit (off
  here) and breaker as in production; answers are written to the Postgres cache;
- http_warm: the same again, every key a fresh cache hit.

Dispositions are cleared between modes so each mode decides every lead as the pipeline would. The database is
a throwaway embedded PostgreSQL unless `--database-url` names a server (a throwaway database is created on it
and dropped). Prints per-mode throughput and latencies; the last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import shutil
import statistics
import sys
import tempfile
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate import stages
from leadgate_dagster.gate.enrich import Enricher, enricher_for
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.gate.mx import mx_lookup_for
from leadgate_dagster.providers.call_stats import percentile, summarize
from leadgate_dagster.providers.enrichment import EnrichmentOverrides
from leadgate_dagster.store.intake import claim_batches

sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_api import serve
from synth import csv_bytes, lead_rows


def _answer(kind: str, key: str) -> dict[str, Any]:
    """A plausible vendor answer, the same for the same key."""
    h = zlib.crc32(key.encode())
    if kind == "email_verification":
        verdicts = ("deliverable", "deliverable", "deliverable", "accept_all", "undeliverable")
        return {"verdict": verdicts[h % 5]}
    if kind == "phone_intel":
        return {"line_type": ("mobile", "landline", "voip")[h % 3], "carrier": f"Carrier {h % 7}"}
    if kind == "geocoding":
        return {"lat": 40.0 + h % 10, "lon": -75.0 - h % 10, "locality": f"Town {h % 100}",
                "region": ("CA", "NY", "TX", "WA")[h % 4], "time_zone": "America/New_York"}
    if kind == "firmographics":
        return {"name": key.split(".")[0].title(), "industry": ("Software", "Retail", "Healthcare")[h % 3],
                "employees": (8, 40, 150, 700, 3000, 20000)[h % 6], "revenue_usd": 1e6 * (1 + h % 900),
                "country": "US"}
    return {"hosting": h % 20 == 0, "country": "US"}


@contextmanager
def provider_api(latency_ms: float) -> Iterator[str]:
    port: Any = mp.Value("i", 0)
    server = mp.get_context("fork").Process(target=serve, args=(port, latency_ms / 1000, _answer), daemon=True)
    server.start()
    try:
        while not port.value:
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port.value}"
    finally:
        server.terminate()
        server.join()


@contextmanager
def database(server_url: str | None) -> Iterator[sa.Engine]:
    """A migrated throwaway database: on `server_url`, else an embedded PostgreSQL in a temporary folder."""
    from leadgate_dagster.settings import with_driver
    from leadgate_dagster.store.engine import engine_for
    from leadgate_dagster.store.migrate import upgrade

    if server_url:
        name = f"leadgate_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(with_driver(server_url, "psycopg"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine = engine_for(admin.url.set(database=name).render_as_string(hide_password=False))
        try:
            upgrade(engine)
            yield engine
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        return
    from leadgate_dagster.store.embedded import embedded_url, stop_embedded

    home = Path(tempfile.mkdtemp(prefix="lgscore-", dir="/tmp"))
    try:
        engine = engine_for(embedded_url(home))
        upgrade(engine)
        yield engine
        engine.dispose()
    finally:
        stop_embedded(home)
        shutil.rmtree(home, ignore_errors=True)


def setup(engine: sa.Engine, rows: int, batch_events: int) -> tuple[list[str], dict[str, float]]:
    rules = load_ruleset()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    data = csv_bytes(lead_rows(rows, seed=11))
    ingest_bytes(engine, data, filename="bench.csv", source="bench", rules=rules)
    timings["ingest_s"] = time.perf_counter() - started
    claimed = claim_batches(engine, max_events=batch_events, max_batches=10_000, lease_seconds=3600)
    batches = [b for b, _ in claimed]
    started = time.perf_counter()
    mx = mx_lookup_for(engine, rules)
    for batch_id in batches:
        stages.raw_stage(engine, batch_id, rules)
        stages.validate_stage(engine, batch_id, rules, mx)
    timings["raw_and_validation_s"] = time.perf_counter() - started
    return batches, timings


def run_mode(engine: sa.Engine, batches: list[str], enricher: Enricher, rows: int) -> dict[str, Any]:
    """Every batch through enrichment, then scoring + disposition; timings and provider figures."""
    rules = load_ruleset()
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE leadgate.dispositions RESTART IDENTITY"))
    marks = {k: p.stats.mark() for k, p in enricher.providers.items() if hasattr(p, "stats")}
    enrich_s: list[float] = []
    qualify_s: list[float] = []
    sources: Counter[str] = Counter()
    mix: Counter[str] = Counter()
    for batch_id in batches:
        started = time.perf_counter()
        report = stages.enrich_stage(engine, batch_id, rules, enricher)
        enrich_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        decided = stages.qualify_stage(engine, batch_id, rules)
        qualify_s.append(time.perf_counter() - started)
        sources.update({"stale": report["stale_used"], "neutral": report["neutral_used"]})
        mix.update(decided["dispositions"])
    calls = {k: summarize(enricher.providers[k].stats.since(m)) for k, m in marks.items()}  # type: ignore[attr-defined]
    total = sum(enrich_s) + sum(qualify_s)
    per_batch = [e + q for e, q in zip(enrich_s, qualify_s, strict=True)]
    return {
        "leads": rows, "batches": len(batches),
        "enrich_s": round(sum(enrich_s), 2), "qualify_s": round(sum(qualify_s), 2),
        "total_s": round(total, 2), "enrich_leads_per_s": round(rows / sum(enrich_s)),
        "qualify_leads_per_s": round(rows / sum(qualify_s)),
        "leads_per_s": round(rows / total),
        "batch_p50_s": round(statistics.median(per_batch), 3),
        "batch_p95_s": round(percentile(per_batch, 0.95) or 0, 3),
        "neutral_used": sources["neutral"], "stale_used": sources["stale"],
        "http": {k: {"requests": c["calls"], "p50_ms": c["latency_p50_ms"], "p95_ms": c["latency_p95_ms"],
                     "outcomes": c["outcomes"]} for k, c in calls.items()},
        "dispositions": dict(mix),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch-events", type=int, default=5000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--http-batch-size", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--modes", default="offline,http,http_warm")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    rules = load_ruleset()
    results: dict[str, Any] = {}
    with database(args.database_url) as engine, provider_api(args.latency_ms) as url:
        batches, timings = setup(engine, args.rows, args.batch_events)
        print(f"setup: {args.rows} leads in {len(batches)} batches; ingest {timings['ingest_s']:.1f} s, "
              f"raw + validation {timings['raw_and_validation_s']:.1f} s (not in the figures below)")
        http = enricher_for(rules, EnrichmentOverrides(
            mode="http", base_url=url, deadline_s=120.0, rate_per_s=0.0, max_concurrency=args.concurrency,
            batch_size=args.http_batch_size))
        for mode in modes:
            if mode == "http":
                with engine.begin() as conn:
                    conn.execute(sa.text("TRUNCATE leadgate.enrichment_cache"))
            r = run_mode(engine, batches, enricher_for(rules) if mode == "offline" else http, args.rows)
            results[mode] = r
            print(f"{mode}: enrichment {r['enrich_s']} s ({r['enrich_leads_per_s']} leads/s), scoring + "
                  f"disposition {r['qualify_s']} s ({r['qualify_leads_per_s']} leads/s); together "
                  f"{r['leads_per_s']} leads/s; per batch of {args.batch_events}: p50 {r['batch_p50_s']} s, "
                  f"p95 {r['batch_p95_s']} s; neutral fallbacks {r['neutral_used']}")
            for kind, c in r["http"].items():
                if c["requests"]:
                    print(f"  {kind}: {c['requests']} requests, p50 {c['p50_ms']} ms, p95 {c['p95_ms']} ms, "
                          f"{c['outcomes']}")
            print(f"  dispositions: {r['dispositions']}")
    summary = {"rows": args.rows, "batch_events": args.batch_events, "latency_ms": args.latency_ms,
               "http_batch_size": args.http_batch_size, "concurrency": args.concurrency, **timings,
               **{f"{m}_{k}": r[k] for m, r in results.items()
                  for k in ("leads_per_s", "enrich_leads_per_s", "qualify_leads_per_s", "batch_p50_s",
                            "batch_p95_s")}}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
