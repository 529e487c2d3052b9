"""Enrichment providers: one module per kind, each offline (shipped data) or HTTP (the shared client).

    from leadgate_dagster.providers.enrichment import deadlines_from_rules, enrich_batch, providers_from_rules
    outcome = enrich_batch({"geocoding": keys}, providers_from_rules(rules), cache,
                           deadlines_from_rules(rules))
"""

from __future__ import annotations

from leadgate_dagster.core.provider_results import STALE, UNAVAILABLE, ProviderResult
from leadgate_dagster.providers.enrichment.base import EnrichmentProvider, HttpBatchLookup, OfflineProvider
from leadgate_dagster.providers.enrichment.config import (
    KINDS,
    EnrichmentOverrides,
    EnrichmentSettings,
    ProviderSettings,
    RecheckSettings,
    VelocitySettings,
    build_provider,
    deadlines_from_rules,
    enrichment_settings,
    providers_from_rules,
)
from leadgate_dagster.providers.enrichment.runner import EnrichmentOutcome, enrich_batch

__all__ = [
    "KINDS",
    "STALE",
    "UNAVAILABLE",
    "EnrichmentOutcome",
    "EnrichmentOverrides",
    "EnrichmentProvider",
    "EnrichmentSettings",
    "HttpBatchLookup",
    "OfflineProvider",
    "ProviderResult",
    "ProviderSettings",
    "RecheckSettings",
    "VelocitySettings",
    "build_provider",
    "deadlines_from_rules",
    "enrich_batch",
    "enrichment_settings",
    "providers_from_rules",
]
