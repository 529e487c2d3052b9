"""The enrichment providers as a resource: the ruleset says what each provider is (offline by default), the
deployment's environment may switch them to HTTP and tune them without a new ruleset.

| variable | field | meaning |
|---|---|---|
| LEADGATE_ENRICHMENT_MODE | mode | offline / http for every provider; unset: the ruleset's per provider |
| LEADGATE_ENRICHMENT_BASE_URL | base_url | one gateway serving every kind under /v1/<kind>/ (goes HTTP) |
| LEADGATE_<KIND>_URL | <kind>_url | one provider's own URL, e.g. LEADGATE_FIRMOGRAPHICS_URL (goes HTTP) |
| LEADGATE_ENRICHMENT_API_KEY | api_key | sent to every HTTP provider (else each one's ruleset api_key_env) |
| LEADGATE_ENRICHMENT_DEADLINE_S | deadline_s | every provider's batch deadline in seconds |
| LEADGATE_ENRICHMENT_TIMEOUT_S | timeout_s | per-request timeout in seconds |
| LEADGATE_ENRICHMENT_RATE_PER_S | rate_per_s | requests per second per provider (0: unlimited) |
| LEADGATE_ENRICHMENT_MAX_CONCURRENCY | max_concurrency | requests in flight per provider |
| LEADGATE_ENRICHMENT_BATCH_SIZE | batch_size | keys per batch request |

Numbers are text fields ("" keeps the ruleset's figure): `dg.EnvVar` only feeds text fields, and an unset
variable must leave the default rather than fail the launch, so `from_env` passes an `EnvVar` only for the
variables that are set. Dagster resolves them at launch and never shows their values (the API key).
"""

import os

import dagster as dg

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.enrich import Enricher, enricher_for
from leadgate_dagster.providers.enrichment import KINDS, EnrichmentOverrides

_NUMBERS = {"deadline_s": float, "timeout_s": float, "rate_per_s": float, "max_concurrency": int,
            "batch_size": int}
_ENV = {"mode": "LEADGATE_ENRICHMENT_MODE", "base_url": "LEADGATE_ENRICHMENT_BASE_URL",
        "api_key": "LEADGATE_ENRICHMENT_API_KEY",
        **{f"{kind}_url": f"LEADGATE_{kind.upper()}_URL" for kind in KINDS},
        **{name: f"LEADGATE_ENRICHMENT_{name.upper()}" for name in _NUMBERS}}


class EnrichmentResource(dg.ConfigurableResource):
    """Builds the enrichment providers of a ruleset with this deployment's overrides (once per process)."""

    mode: str = ""
    base_url: str = ""
    email_verification_url: str = ""
    phone_intel_url: str = ""
    geocoding_url: str = ""
    firmographics_url: str = ""
    ip_risk_url: str = ""
    api_key: str = ""
    deadline_s: str = ""
    timeout_s: str = ""
    rate_per_s: str = ""
    max_concurrency: str = ""
    batch_size: str = ""

    @classmethod
    def from_env(cls) -> "EnrichmentResource":
        """The resource with an `EnvVar` for each LEADGATE_ENRICHMENT_* / LEADGATE_<KIND>_URL that is set."""
        return cls(**{field: dg.EnvVar(name) for field, name in _ENV.items() if name in os.environ})

    def overrides(self) -> EnrichmentOverrides:
        numbers: dict[str, float | int | None] = {}
        for name, kind in _NUMBERS.items():
            raw = str(getattr(self, name)).strip()
            try:
                numbers[name] = kind(raw) if raw else None
            except ValueError as exc:
                raise ValueError(f"enrichment resource: {name} must be a number, got {raw!r}") from exc
        urls = tuple((kind, url) for kind in KINDS if (url := getattr(self, f"{kind}_url").strip()))
        return EnrichmentOverrides(mode=self.mode.strip().lower(), base_url=self.base_url.strip(), urls=urls,
                                   api_key=self.api_key, **numbers)  # type: ignore[arg-type]

    def enricher_for(self, rules: Ruleset) -> Enricher:
        """The providers, deadlines and settings for `rules` under this deployment's overrides."""
        return enricher_for(rules, self.overrides())
