"""What an enrichment provider answers for one key, and the reason codes of a fallback answer.

In the core because both sides use it: the providers build these answers and the store's cache keeps and
returns them, and the store must not import the providers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

Status = Literal["ok", "miss", "error"]
Source = Literal["live", "cache", "stale_cache", "offline", "neutral"]
UNAVAILABLE: Final = "ENRICHMENT_UNAVAILABLE"
STALE: Final = "ENRICHMENT_STALE"

IP_RISK: Final = "ip_risk"
# provider kinds whose lookup keys are personal data: stored as keyed HMACs, never as given
KEYED_PROVIDERS: Final = frozenset({IP_RISK})


@dataclass(frozen=True, slots=True)
class ProviderResult:
    """One provider's answer for one key.

    Attributes:
        key: the lookup key as asked (normalized by the caller).
        status: ok (facts found), miss (the provider knows nothing of the key), error (no answer).
        data: the facts, in the provider kind's vocabulary; for an error, {"error": <kind>}.
        source: where the answer came from: live, cache, stale_cache, offline or neutral.
        reason: ENRICHMENT_STALE / ENRICHMENT_UNAVAILABLE when the answer is a fallback, else None.
        fetched_at: when the provider gave the answer (for cached ones: when it was first fetched).
    """

    key: str
    status: Status
    data: dict[str, Any] = field(default_factory=dict)
    source: Source = "live"
    reason: str | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
