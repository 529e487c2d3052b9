"""`identity` (the resolution engine's thresholds), `identity_graph` (survivorship, the auto-merge check)."""

from __future__ import annotations

from leadgate_dagster.core.rules.section import Probability, Section, Words


class Blocking(Section):
    window: int
    name_window: int


class IdentityRules(Section):
    model: str
    shared_key_max_names: int
    tier_b_auto_merge: Probability
    tier_b_review_floor: Probability
    tier_c_review: Probability
    tier_c_min_name_similarity: float
    name_conflict_similarity: float
    default_phone_region: str
    free_mail_domains_extra: Words
    blocking: Blocking


class GoldenRecord(Section):
    source_trust: dict[str, int]  # source -> rank, higher wins; unlisted sources rank 0


class AutoMergeSpike(Section):
    recent_leads: int
    min_recent: int
    window: int
    min_window: int
    factor: float
    min_delta: float


class IdentityGraphRules(Section):
    golden: GoldenRecord
    auto_merge_spike: AutoMergeSpike
