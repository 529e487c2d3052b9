"""`enrichment`: the providers (offline or HTTP, their limits and cache lifetimes), velocity and rechecks.

Only the name of the environment variable holding a provider's API key is here, never the key.
"""

from __future__ import annotations

from typing import Literal, get_args

from leadgate_dagster.core.rules.section import Section

ProviderKind = Literal["email_verification", "phone_intel", "geocoding", "firmographics", "ip_risk"]
PROVIDER_KINDS: tuple[str, ...] = get_args(ProviderKind)


class ProviderRules(Section):
    """One provider; `connect_timeout_s` defaults to min(2 s, timeout_s), `miss_ttl_hours` to the cache's."""

    mode: Literal["offline", "http"]
    base_url: str = ""
    api_key_env: str | None = None
    api_key_header: str = "Authorization"
    timeout_s: float
    connect_timeout_s: float | None = None
    rate_per_s: float
    burst: int
    breaker_failures: int
    breaker_cooldown_s: float
    cache_ttl_hours: float
    miss_ttl_hours: float | None = None
    batch_deadline_s: float
    max_concurrency: int
    batch_size: int = 100


class VelocityRules(Section):
    window_hours: float
    max_per_email: int
    max_per_phone: int
    max_per_ip: int
    max_per_device: int


class RecheckRules(Section):
    max_attempts: int
    backoff_initial_minutes: float
    backoff_max_minutes: float
    keys_per_run: int


class EnrichmentRules(Section):
    attempts: int
    backoff_initial_s: float
    backoff_max_s: float
    retry_after_cap_s: float
    ip_country_mismatch: bool
    providers: dict[ProviderKind, ProviderRules]
    velocity: VelocityRules
    recheck: RecheckRules
