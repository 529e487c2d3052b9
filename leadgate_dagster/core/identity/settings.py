"""The identity engine's settings, from the ruleset's typed `identity` section (blocking windows flattened).

Every threshold the engine applies comes from here, so a changed threshold is a new ruleset (new content
hash) and every merge can say which thresholds judged it.
"""

from __future__ import annotations

from dataclasses import dataclass

from leadgate_dagster.core.ruleset import Ruleset


@dataclass(frozen=True, slots=True)
class IdentitySettings:
    """Thresholds and switches of identity resolution (`identity:` in the ruleset)."""

    model: str = "identity_model_v1"
    shared_key_max_names: int = 3
    tier_b_auto_merge: float = 0.85
    tier_b_review_floor: float = 0.05
    tier_c_review: float = 0.5
    tier_c_min_name_similarity: float = 0.85
    name_conflict_similarity: float = 0.9
    default_phone_region: str = "US"
    free_mail_domains_extra: frozenset[str] = frozenset()
    block_window: int = 12
    name_window: int = 4

    @classmethod
    def from_ruleset(cls, rules: Ruleset) -> IdentitySettings:
        """The ruleset's typed `identity` section, with the blocking windows lifted to the top level."""
        r = rules.identity
        return cls(model=r.model, shared_key_max_names=r.shared_key_max_names,
                   tier_b_auto_merge=r.tier_b_auto_merge, tier_b_review_floor=r.tier_b_review_floor,
                   tier_c_review=r.tier_c_review, tier_c_min_name_similarity=r.tier_c_min_name_similarity,
                   name_conflict_similarity=r.name_conflict_similarity,
                   default_phone_region=r.default_phone_region,
                   free_mail_domains_extra=frozenset(d.lower() for d in r.free_mail_domains_extra),
                   block_window=r.blocking.window, name_window=r.blocking.name_window)
