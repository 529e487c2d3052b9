"""The identity section of the ruleset, typed.

Every threshold the engine applies comes from here, so a changed threshold is a new ruleset (new content
hash) and every merge can say which thresholds judged it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

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
        """Read the `identity` section; keys left out keep the defaults above, unknown keys are errors.

        Args:
            rules: the active ruleset.

        Returns:
            The typed settings.

        Raises:
            ValueError: for an unknown key or a probability threshold outside [0, 1].
        """
        section: dict[str, Any] = rules.section("identity")
        blocking = section.pop("blocking", None) or {}
        section.update(
            {
                "block_window": blocking.get("window", cls.block_window),
                "name_window": blocking.get("name_window", cls.name_window),
            }
        )
        known = {f.name for f in fields(cls)}
        unknown = set(section) - known
        if unknown:
            raise ValueError(f"unknown identity ruleset keys: {sorted(unknown)}")
        if "free_mail_domains_extra" in section:
            section["free_mail_domains_extra"] = frozenset(
                str(d).lower() for d in section["free_mail_domains_extra"]
            )
        settings = cls(**section)
        for name in ("tier_b_auto_merge", "tier_b_review_floor", "tier_c_review"):
            if not 0.0 <= getattr(settings, name) <= 1.0:
                raise ValueError(f"identity.{name} must be a probability")
        return settings
