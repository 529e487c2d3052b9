"""The enrichment stage: every provider over the batch's distinct keys, behind the Postgres cache, each under
its own deadline; velocity counts beside them.

A provider that is down, slow or answering garbage costs the batch at most its deadline: its keys continue
with a stale cached answer (ENRICHMENT_STALE) or the provider's neutral value (ENRICHMENT_UNAVAILABLE), and
go into `enrichment_retries` for the recheck job, which re-decides the leads once an answer comes. The stage
never fails for a provider. It writes one `enrichments` row per (lead, provider) with the lookup key and the
answer's source, the findings as `lead_checks` of stage "enrichment", and is idempotent (delete + COPY).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster import settings
from leadgate_dagster.core.enrichment_findings import Answer, check_rows, enrichment_rows
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.top_reasons import top_reasons
from leadgate_dagster.providers.enrichment import (
    EnrichmentOutcome,
    EnrichmentOverrides,
    EnrichmentProvider,
    EnrichmentSettings,
    build_provider,
    enrich_batch,
    enrichment_settings,
)
from leadgate_dagster.providers.enrichment.firmographics import domain_key
from leadgate_dagster.providers.enrichment.geocoding import postal_key
from leadgate_dagster.providers.enrichment.ip_risk import ip_key
from leadgate_dagster.store import enrichment_retries, enrichments, leads
from leadgate_dagster.store.enrichment_cache import EnrichmentCache, stored_key
from leadgate_dagster.store.velocity import velocity_counts

_UNVERIFIABLE = frozenset({"invalid", "missing"})  # no address worth asking a verifier about
# metrics of `enrich_batch` carried into the report (the asset's metadata), per provider
REPORTED = ("keys", "asked", "success_rate", "cache_hit_rate", "stale_used", "neutral_used", "pending_retry",
            "latency_p50_ms", "latency_p95_ms", "deadline_hit", "elapsed_ms")


@dataclass(frozen=True)
class Enricher:
    """The providers of one ruleset and deployment, built once per process (HTTP clients keep their pools,
    rate limits and circuit breakers across batches; offline tables load once)."""

    providers: Mapping[str, EnrichmentProvider]
    deadlines: Mapping[str, float]
    settings: EnrichmentSettings

    @property
    def offline_kinds(self) -> list[str]:
        return [k for k, p in self.providers.items() if not p.cacheable]


_BUILT: dict[tuple[str, EnrichmentOverrides], Enricher] = {}
_BUILD_LOCK = threading.Lock()
_KEEP = 8


def enricher_for(rules: Ruleset, overrides: EnrichmentOverrides | None = None) -> Enricher:
    """The providers `rules` asks for with the deployment's `overrides` (default: the ruleset alone)."""
    deployment = overrides or EnrichmentOverrides()
    key = (rules.content_hash, deployment)
    with _BUILD_LOCK:
        built = _BUILT.get(key)
        if built is None:
            cfg = enrichment_settings(rules)
            chosen = {kind: deployment.apply(p) for kind, p in cfg.providers.items()}
            built = Enricher(providers={kind: build_provider(p, rules) for kind, p in chosen.items()},
                             deadlines={kind: p.batch_deadline_s for kind, p in chosen.items()},
                             settings=replace(cfg, providers=chosen))
            while len(_BUILT) >= _KEEP:
                _BUILT.pop(next(iter(_BUILT)))
            _BUILT[key] = built
        return built


def key_storage() -> Callable[[str, str], str]:
    """(kind, key) -> the form a lookup key is kept in outside the provider call: an IP address as its keyed
    HMAC (as in the cache), anything else as it is."""
    secret = settings.hmac_key()
    return lambda kind, key: stored_key(kind, key, secret)


def lookup_keys(df: pd.DataFrame) -> pd.DataFrame:
    """Each lead's key per provider kind (None where it has none), from its validated values.

    Args:
        df: `store.enrichments.lookup_inputs`, indexed by lead_id.

    Returns:
        One column per provider kind, same index.
    """
    email = [e if e and s not in _UNVERIFIABLE else None
             for e, s in zip(df["email_normalized"], df["email_status"], strict=True)]
    return pd.DataFrame({
        "email_verification": email,
        "phone_intel": [p or None for p in df["phone_e164"]],
        "geocoding": [postal_key(c, p)
                      for c, p in zip(df["country_iso2"], df["postal_code_norm"], strict=True)],
        "firmographics": [domain_key(d) for d in df["company_domain"]],
        "ip_risk": [ip_key(ip) for ip in df["ip"]],
    }, index=df.index, dtype=object)


def _answers(keys: pd.DataFrame, outcome: EnrichmentOutcome) -> list[Answer]:
    out: list[Answer] = []
    for kind, results in outcome.results.items():
        column = keys[kind]
        present = column[column.notna()]
        out += [(lead_id, kind, results[key]) for lead_id, key in present.items()]
    return out


def enrich_stage(engine: sa.Engine, batch_id: str, rules: Ruleset, enricher: Enricher | None = None
                 ) -> dict[str, Any]:
    """Enrich every validated lead of the batch (replays carry their original's results and are skipped).

    Args:
        engine: leadgate's database.
        batch_id: the intake batch.
        rules: the active ruleset.
        enricher: the providers to use; None builds the ruleset's (offline unless it says otherwise).

    Returns:
        The stage report: counts, per-provider figures (`providers`), retries queued, top reasons.
    """
    enricher = enricher or enricher_for(rules)
    with engine.connect() as conn:
        df = enrichments.lookup_inputs(conn, batch_id)
    ids = list(df.index)
    every = lookup_keys(df)
    keys = every[[k for k in every.columns if k in enricher.providers]]
    started = time.monotonic()
    outcome = enrich_batch({kind: keys[kind] for kind in keys.columns}, enricher.providers,
                           EnrichmentCache(engine), enricher.deadlines)
    providers_s = time.monotonic() - started
    answers = _answers(keys, outcome)
    countries = dict(zip(df.index, df["country_iso2"], strict=True))
    stored = key_storage()
    with engine.begin() as conn:
        velocity = velocity_counts(conn, ids, enricher.settings.velocity.window)
        written = enrichments.replace_for_leads(conn, ids, enrichment_rows(answers, velocity, stored))
        checks = check_rows(answers, countries, velocity, rules, ip_country_check=enricher.settings.ip_country_mismatch,
                      velocity_limits=enricher.settings.velocity.max_seen)
        leads.replace_checks(conn, "enrichment", ids, checks)
        failures = [(kind, stored(kind, key), outcome.errors.get((kind, key), "no_answer"))
                    for kind, key in outcome.pending_retry]
        enrichment_retries.record_failures(conn, failures, enricher.settings.recheck.delay(0))
        leads.mark_enriched(conn, ids)
    return _report(len(ids), written, outcome, checks, providers_s, rules)


def _report(n: int, written: int, outcome: EnrichmentOutcome, checks: list[tuple[Any, ...]],
            providers_s: float, rules: Ruleset) -> dict[str, Any]:
    metrics = outcome.metrics
    sources = Counter(r.source for results in outcome.results.values() for r in results.values())
    return {
        "enriched": n, "rows": written, "retries_queued": len(outcome.pending_retry),
        "stale_used": sources.get("stale_cache", 0), "neutral_used": sources.get("neutral", 0),
        "deadline_hits": sum(1 for m in metrics.values() if m["deadline_hit"]),
        "providers_ms": round(providers_s * 1000, 1),
        "providers": {kind: {k: m.get(k) for k in REPORTED} for kind, m in metrics.items()},
        "top_reasons": top_reasons(Counter(c[2] for c in checks), rules),
    }
