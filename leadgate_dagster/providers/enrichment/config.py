"""The ruleset's `enrichment:` section as typed settings, and the providers it asks for.

A ruleset that leaves keys out gets the shipped ruleset's values (the ruleset's one merge), so an override
file can say only `enrichment: {providers: {firmographics: {mode: http, base_url: ...}}}`. Only the name
of the environment variable holding an API key is in the ruleset; the key itself is read when the HTTP
client is built and never stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

import httpx

from leadgate_dagster.core.rules.enrichment import PROVIDER_KINDS, EnrichmentRules, ProviderRules
from leadgate_dagster.core.ruleset import Ruleset, load_ruleset
from leadgate_dagster.providers.enrichment import (
    email_verification,
    firmographics,
    geocoding,
    ip_risk,
    phone_intel,
)
from leadgate_dagster.providers.enrichment.base import EnrichmentProvider, HttpBatchLookup
from leadgate_dagster.providers.http_client import HttpSettings, ProviderHttpClient

KINDS = PROVIDER_KINDS
_MODULES: dict[str, Any] = {"email_verification": email_verification, "phone_intel": phone_intel,
                            "geocoding": geocoding, "firmographics": firmographics, "ip_risk": ip_risk}


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    kind: str
    mode: str  # offline | http
    http: HttpSettings
    batch_size: int
    max_concurrency: int
    cache_ttl: timedelta
    miss_ttl: timedelta
    batch_deadline_s: float


@dataclass(frozen=True, slots=True)
class VelocitySettings:
    window: timedelta
    max_seen: dict[str, int]  # email | phone | ip | device -> sightings allowed within the window


@dataclass(frozen=True, slots=True)
class RecheckSettings:
    """The recheck job's schedule for keys that got a fallback: attempt n waits initial * 2^n (capped)."""

    max_attempts: int
    backoff_initial: timedelta
    backoff_max: timedelta
    keys_per_run: int

    def delay(self, attempts: int) -> timedelta:
        """How long to wait before the next attempt, after `attempts` rechecks have failed."""
        return min(self.backoff_initial * (2 ** max(0, min(attempts, 30))), self.backoff_max)


@dataclass(frozen=True, slots=True)
class EnrichmentSettings:
    providers: dict[str, ProviderSettings]
    velocity: VelocitySettings
    ip_country_mismatch: bool
    recheck: RecheckSettings


@dataclass(frozen=True, slots=True)
class EnrichmentOverrides:
    """What a deployment lays over the ruleset's providers (EnrichmentResource, from the environment).

    `mode`: "offline" puts every provider offline, "http" every one over HTTP; empty keeps the ruleset's
    mode, except that a provider given a URL here (its own in `urls`, or the gateway `base_url`, which
    serves every kind under /v1/<kind>/) goes over HTTP. None keeps the ruleset's figure.
    """

    mode: str = ""
    base_url: str = ""
    urls: tuple[tuple[str, str], ...] = ()
    api_key: str = field(default="", repr=False)
    deadline_s: float | None = None
    timeout_s: float | None = None
    rate_per_s: float | None = None
    max_concurrency: int | None = None
    batch_size: int | None = None

    def apply(self, p: ProviderSettings) -> ProviderSettings:
        """`p` with these overrides laid over it."""
        if self.mode not in ("", "offline", "http"):
            raise ValueError(f"enrichment mode must be offline or http, not {self.mode!r}")
        url = dict(self.urls).get(p.kind) or self.base_url
        mode = self.mode or ("http" if url else p.mode)
        http = replace(p.http, base_url=url or p.http.base_url, api_key=self.api_key or p.http.api_key)
        if self.timeout_s is not None:
            http = replace(http, timeout_s=self.timeout_s, connect_timeout_s=min(http.connect_timeout_s,
                                                                                 self.timeout_s))
        if self.rate_per_s is not None:
            http = replace(http, rate_per_s=self.rate_per_s)
        concurrency = self.max_concurrency if self.max_concurrency is not None else p.max_concurrency
        return replace(p, mode=mode, http=replace(http, max_connections=concurrency),
                       max_concurrency=concurrency,
                       batch_size=self.batch_size if self.batch_size is not None else p.batch_size,
                       batch_deadline_s=self.deadline_s if self.deadline_s is not None else p.batch_deadline_s)


def _provider(kind: str, p: ProviderRules, top: EnrichmentRules) -> ProviderSettings:
    http = HttpSettings(
        base_url=p.base_url, timeout_s=p.timeout_s,
        connect_timeout_s=p.connect_timeout_s if p.connect_timeout_s is not None else min(2.0, p.timeout_s),
        attempts=top.attempts, backoff_initial_s=top.backoff_initial_s, backoff_max_s=top.backoff_max_s,
        retry_after_cap_s=top.retry_after_cap_s, rate_per_s=p.rate_per_s, burst=p.burst,
        breaker_failures=p.breaker_failures, breaker_cooldown_s=p.breaker_cooldown_s,
        max_connections=p.max_concurrency, api_key_env=p.api_key_env or None, api_key_header=p.api_key_header)
    return ProviderSettings(
        kind=kind, mode=p.mode, http=http, batch_size=p.batch_size, max_concurrency=p.max_concurrency,
        cache_ttl=timedelta(hours=p.cache_ttl_hours),
        miss_ttl=timedelta(hours=p.miss_ttl_hours if p.miss_ttl_hours is not None else p.cache_ttl_hours),
        batch_deadline_s=p.batch_deadline_s)


def enrichment_settings(rules: Ruleset | None = None) -> EnrichmentSettings:
    """Typed settings of `rules` (the shipped ruleset when None)."""
    s = (rules or load_ruleset()).enrichment
    v = s.velocity
    limits = {"email": v.max_per_email, "phone": v.max_per_phone, "ip": v.max_per_ip,
              "device": v.max_per_device}
    velocity = VelocitySettings(window=timedelta(hours=v.window_hours), max_seen=limits)
    r = s.recheck
    recheck = RecheckSettings(max_attempts=r.max_attempts,
                              backoff_initial=timedelta(minutes=r.backoff_initial_minutes),
                              backoff_max=timedelta(minutes=r.backoff_max_minutes),
                              keys_per_run=r.keys_per_run)
    return EnrichmentSettings(providers={k: _provider(k, p, s) for k, p in s.providers.items()},
                              velocity=velocity, ip_country_mismatch=s.ip_country_mismatch, recheck=recheck)


def build_provider(settings: ProviderSettings, rules: Ruleset | None = None, *,
                   transport: httpx.BaseTransport | None = None) -> EnrichmentProvider:
    """The provider one settings block asks for: the kind's offline class, or HTTP on a shared client."""
    module = _MODULES[settings.kind]
    if settings.mode != "http":
        if settings.kind == "email_verification":
            return email_verification.OfflineEmailVerification(rules)
        offline: EnrichmentProvider = {
            "phone_intel": phone_intel.OfflinePhoneIntel, "geocoding": geocoding.OfflineGeocoding,
            "firmographics": firmographics.OfflineFirmographics, "ip_risk": ip_risk.OfflineIpRisk,
        }[settings.kind]()
        return offline
    if not settings.http.base_url:
        raise ValueError(f"enrichment provider {settings.kind!r} is in http mode without a base_url")
    client = ProviderHttpClient(settings.http, transport=transport)
    return HttpBatchLookup(settings.kind, client, module.parse_http, batch_size=settings.batch_size,
                           max_concurrency=settings.max_concurrency, ttl=settings.cache_ttl,
                           miss_ttl=settings.miss_ttl, neutral=module.neutral_value)


def providers_from_rules(rules: Ruleset | None = None) -> dict[str, EnrichmentProvider]:
    """Every provider of the ruleset, by kind."""
    settings = enrichment_settings(rules)
    return {kind: build_provider(p, rules) for kind, p in settings.providers.items()}


def deadlines_from_rules(rules: Ruleset | None = None) -> dict[str, float]:
    """Each provider's batch deadline in seconds, for `enrich_batch`."""
    return {k: p.batch_deadline_s for k, p in enrichment_settings(rules).providers.items()}
