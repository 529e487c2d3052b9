"""The identity engine's settings, from the ruleset's typed `identity` section (blocking windows flattened).

Every threshold the engine applies comes from here, so a changed threshold is a new ruleset (new content
hash) and every merge can say which thresholds judged it.
"""

from __future__ import annotations

from dataclasses import dataclass

from leadgate_dagster.core.ruleset import Ruleset


@dataclass(frozen=True, slots=True)
class EstimationSettings:
    """How parameters are estimated from the data (`identity.estimation`); see estimation.py."""

    enabled: bool = True
    seed: int = 19
    min_records: int = 1000
    min_pairs_per_field: int = 200
    u_pairs: int = 200_000
    em_pairs_per_rule: int = 100_000
    em_iterations: int = 25
    tf_min_count: int = 5
    tf_max_bits: float = 3.0


@dataclass(frozen=True, slots=True)
class IdentitySettings:
    """Thresholds and switches of identity resolution (`identity:` in the ruleset)."""

    model: str = "identity_model_v2"
    shared_key_max_names: int = 3
    tier_b_auto_merge: float = 0.85
    tier_b_review_floor: float = 0.05
    tier_c_review: float = 0.5
    tier_c_min_name_similarity: float = 0.85
    name_conflict_similarity: float = 0.9
    default_phone_region: str = "US"
    free_mail_domains_extra: frozenset[str] = frozenset()
    contested_key_auto_merge: float = 0.9
    model_auto_merge: float = 0.99
    review_floor: float = 0.5
    block_window: int = 12
    name_window: int = 4
    max_pairs_per_record: int = 24
    name_jw_high: float = 0.92
    name_jw_low: float = 0.80
    name_tf: bool = True
    dob_within_days: int = 10
    dob_day_first: bool = True
    street_similar: float = 0.9
    company_similar: float = 0.9
    company_tf: bool = True
    city_tf: bool = True
    estimation: EstimationSettings = EstimationSettings()

    @classmethod
    def from_ruleset(cls, rules: Ruleset) -> IdentitySettings:
        """The ruleset's typed `identity` section, with blocking and comparison levels lifted to the top level."""
        r = rules.identity
        c = r.comparisons
        return cls(model=r.model, shared_key_max_names=r.shared_key_max_names,
                   tier_b_auto_merge=r.tier_b_auto_merge, tier_b_review_floor=r.tier_b_review_floor,
                   tier_c_review=r.tier_c_review, tier_c_min_name_similarity=r.tier_c_min_name_similarity,
                   name_conflict_similarity=r.name_conflict_similarity,
                   default_phone_region=r.default_phone_region,
                   free_mail_domains_extra=frozenset(d.lower() for d in r.free_mail_domains_extra),
                   contested_key_auto_merge=r.contested_key_auto_merge, model_auto_merge=r.model_auto_merge,
                   review_floor=r.review_floor,
                   block_window=r.blocking.window, name_window=r.blocking.name_window,
                   max_pairs_per_record=r.blocking.max_pairs_per_record,
                   name_jw_high=c.name.jw_high, name_jw_low=c.name.jw_low, name_tf=c.name.term_frequency,
                   dob_within_days=c.date_of_birth.within_days, dob_day_first=c.date_of_birth.day_first,
                   street_similar=c.street.similar, company_similar=c.company.similar,
                   company_tf=c.company.term_frequency, city_tf=c.city_term_frequency,
                   estimation=EstimationSettings(**r.estimation.model_dump()))
