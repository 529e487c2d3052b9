"""`review`: the review queue's clock (SLA, fallback, TTL), what each reason family falls back to, how items are
prioritized, the recheck of held leads, the weekly merge audit and which scores a person looks at."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field, model_validator

from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.rules.section import Probability, Section, Words

# what happens to an item at its fallback time (core/review/fallback.py says what each one does)
FallbackAction = Literal["redecide_without", "keep_apart", "hold", "reject"]
FALLBACK_ACTIONS: tuple[str, ...] = get_args(FallbackAction)
DispositionName = Literal["ROUTE_SDR", "ROUTE_AE", "NURTURE_EMAIL_ONLY", "QUARANTINE_REVIEW", "REJECT"]
OTHER_FAMILY = "other"
Hours = Annotated[float, Field(gt=0)]


class PriorityWeights(Section):
    """Points each signal adds to an item's priority at its full value (a signal's value is 0..1)."""

    source: float
    score: float
    intent: float
    match: float
    age: float


class ReviewPriority(Section):
    source_value: dict[str, Probability]  # lead source -> value 0..1; unlisted sources take `default_source_value`
    default_source_value: Probability
    weights: PriorityWeights
    # age counts as its share of the SLA, up to this many SLAs (an item twice past due outranks one just due)
    age_cap_slas: Annotated[float, Field(gt=0)]
    escalation_bump: float


class ReviewRecheck(Section):
    interval_hours: Hours
    codes: Words
    leads_per_run: Annotated[int, Field(gt=0)]


class MergeAudit(Section):
    sample_size: Annotated[int, Field(ge=0)]
    seed: int


class ScoreReview(Section):
    lookback_hours: Hours
    # the model's priority and the rules pre-score this far apart: the two signals conflict
    conflict_points: Annotated[int, Field(ge=0, le=100)]
    # intent signals (pricing, trial, contact sales, demo) on a lead decided as one of these
    intent_conflict_dispositions: tuple[DispositionName, ...]
    # a lead routed to sales whose reachability leaned on neutral stand-ins (SCORE_NEUTRAL_FALLBACK) worth at
    # least this many points, without which it would not have qualified
    low_confidence_dispositions: tuple[DispositionName, ...]
    low_confidence_neutral_points: Annotated[int, Field(ge=0)]
    # leads of companies in these size bands, decided as one of these dispositions
    high_value_size_bands: Words
    high_value_dispositions: tuple[DispositionName, ...]


class ReviewRules(Section):
    sla_hours: Hours
    fallback_after_hours: Hours
    ttl_days: Hours
    expiry_disposition: DispositionName
    families: dict[str, Words]
    fallback: dict[str, FallbackAction]
    unchangeable_families: Words
    sla_adherence_min: Probability
    recheck: ReviewRecheck
    merge_audit: MergeAudit
    score_review: ScoreReview
    priority: ReviewPriority

    @model_validator(mode="after")
    def _families_are_consistent(self) -> ReviewRules:
        """Every code known and in one family at most; every family (and `other`) with a fallback; the clock
        in order (escalate before falling back, fall back before expiring)."""
        problems = []
        seen: dict[str, str] = {}
        for family, codes in self.families.items():
            unknown = sorted(set(codes) - set(CATALOGUE))
            if unknown:
                problems.append(f"families.{family}: unknown reason codes {unknown}")
            for code in codes:
                if code in seen:
                    problems.append(f"{code} is in both families {seen[code]} and {family}")
                seen.setdefault(code, family)
        named = {*self.families, OTHER_FAMILY}
        if missing := sorted(named - set(self.fallback)):
            problems.append(f"fallback: no action for families {missing}")
        if extra := sorted(set(self.fallback) - named):
            problems.append(f"fallback: unknown families {extra}")
        if extra := sorted(set(self.unchangeable_families) - named):
            problems.append(f"unchangeable_families: unknown families {extra}")
        if unknown := sorted(set(self.recheck.codes) - set(CATALOGUE)):
            problems.append(f"recheck.codes: unknown reason codes {unknown}")
        if self.expiry_disposition == "QUARANTINE_REVIEW":
            problems.append("expiry_disposition: an expired hold needs a decision other than QUARANTINE_REVIEW")
        if not self.sla_hours < self.fallback_after_hours < self.ttl_days * 24:
            problems.append("expected sla_hours < fallback_after_hours < ttl_days * 24")
        if problems:
            raise ValueError("; ".join(problems))
        return self
