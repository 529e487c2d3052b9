"""The identity section of the ruleset, typed.

Every threshold the engine applies comes from here, so a changed threshold is a new ruleset (new content
hash) and every merge can say which thresholds judged it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from leadgate_dagster.core.ruleset import Ruleset

# Used only when a ruleset has no identity.free_mail_domains; the shipped ruleset lists its own. Without
# it, "gmail.com + John + Smith" would pass for a company domain and merge strangers.
FREE_MAIL_BASELINE = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "ymail.com",
    "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "outlook.com", "live.com", "msn.com",
    "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net",
    "gmx.com", "web.de", "t-online.de", "orange.fr", "free.fr", "laposte.net", "wanadoo.fr", "wp.pl",
    "onet.pl", "interia.pl", "o2.pl", "mail.ru", "yandex.ru", "zoho.com", "comcast.net", "verizon.net",
    "att.net", "btinternet.com", "qq.com", "163.com", "libero.it", "seznam.cz", "fastmail.com",
})


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
    free_mail_domains: frozenset[str] = FREE_MAIL_BASELINE
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
        section.update({"block_window": blocking.get("window", cls.block_window),
                        "name_window": blocking.get("name_window", cls.name_window)})
        known = {f.name for f in fields(cls)}
        unknown = set(section) - known
        if unknown:
            raise ValueError(f"unknown identity ruleset keys: {sorted(unknown)}")
        if "free_mail_domains" in section:
            section["free_mail_domains"] = frozenset(str(d).lower() for d in section["free_mail_domains"])
        settings = cls(**section)
        for name in ("tier_b_auto_merge", "tier_b_review_floor", "tier_c_review"):
            if not 0.0 <= getattr(settings, name) <= 1.0:
                raise ValueError(f"identity.{name} must be a probability")
        return settings
