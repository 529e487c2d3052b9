"""`identity` (the resolution engine's thresholds), `identity_graph` (survivorship, the auto-merge check)."""

from __future__ import annotations

from leadgate_dagster.core.rules.section import Probability, Section, Words


class Blocking(Section):
    window: int
    name_window: int
    # each blocking rule may propose at most this many pairs per record; the bound is reported per rule
    max_pairs_per_record: int


class NameLevels(Section):
    """Jaro-Winkler similarity at or above which a name is "jw_high" / "jw_low" (Splink's NameComparison)."""

    jw_high: Probability
    jw_low: Probability
    term_frequency: bool


class DateOfBirthLevels(Section):
    """Beyond exact: day and month transposed, within `within_days`, one side giving only the year."""

    within_days: int
    day_first: bool  # how an ambiguous 03/04/1980 is read; the transposed level forgives a wrong guess


class StreetLevels(Section):
    """The normalized street line (house number, name, suffix abbreviated) equal, or similar at this level."""

    similar: Probability


class CompanyLevels(Section):
    similar: Probability  # token-set ratio
    term_frequency: bool


class Comparisons(Section):
    """Comparison levels per column type, as data (what Splink's comparison library declares per column)."""

    name: NameLevels
    date_of_birth: DateOfBirthLevels
    street: StreetLevels
    company: CompanyLevels
    city_term_frequency: bool


class Estimation(Section):
    """Fellegi-Sunter parameters estimated from the data in front of the engine (`leadgate dedupe`,
    `leadgate identity estimate`): u from random pairs, m by EM per blocking rule, term frequencies."""

    enabled: bool
    seed: int
    min_records: int  # fewer records: the shipped model alone
    min_pairs_per_field: int  # fewer EM comparisons for a field: its shipped weights
    u_pairs: int
    em_pairs_per_rule: int
    em_iterations: int
    tf_min_count: int  # a frequency table keeps only values seen at least this often
    tf_max_bits: float  # a term-frequency adjustment never moves a weight by more than this


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
    # a pair whose only link is a key held in the file by records whose names (or sites) conflict needs
    # this probability without that key's weight to auto-merge
    contested_key_auto_merge: Probability
    # tier B on the model alone (no shared domain + name, no device): auto-merge at this probability
    model_auto_merge: Probability
    # review needs at least this probability (any tier): keeps the review tier human-sized
    review_floor: Probability
    blocking: Blocking
    comparisons: Comparisons
    estimation: Estimation


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
