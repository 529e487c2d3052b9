"""`scoring`: the pre-score parts and components, engagement, re-scoring, priority, the conversion model."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from leadgate_dagster.core.rules.section import Section, Words

Positive = Annotated[float, Field(gt=0)]


class OnlyIf(Section):
    """The component scores only where `column` holds one of `values` (else 0 points)."""

    column: str
    values: Words


class Component(Section):
    """Points for the values of one lead column; `unknown` values and empty cells get `neutral`, values
    outside `points` get `other`."""

    column: str
    points: dict[str, int]
    unknown: Words = ()
    neutral: int = 0
    other: int = 0
    only_if: OnlyIf | None = None


class ComponentPart(Section):
    max: int
    components: dict[str, Component]


class FitPart(ComponentPart):
    size_bands: tuple[tuple[int, str], ...]  # (lower bound of employee_count, band label), ascending


class ConsentPart(Section):
    max: int
    channel_points: dict[str, int]
    proof_points: float
    eligibility_points: dict[str, int]


class EngagementRules(Section):
    half_life_days: Positive
    half_saturation_points: Positive
    max_age_days: float
    event_weights: dict[str, float]
    intent_events: Words
    intent_window_days: float
    demo_events: Words
    future_tolerance_hours: float


class RescoreRules(Section):
    first_run_lookback_hours: float
    chunk_leads: int


class PriorityWeights(Section):
    pre_score_weight: float
    engagement_weight: float


class ModelRules(Section):
    min_leads: int
    min_conversions: int
    algorithm: str
    calibration: str
    cv_folds: int
    holdout_fraction: float
    calibration_bins: int
    seed: int


class ScoringRules(Section):
    reachability: ComponentPart
    consent: ConsentPart
    fit: FitPart
    engagement: EngagementRules
    rescore: RescoreRules
    priority: PriorityWeights
    model: ModelRules

    @model_validator(mode="after")
    def _maxima_add_up_to_100(self) -> ScoringRules:
        total = self.reachability.max + self.consent.max + self.fit.max
        if total != 100:
            raise ValueError(f"reachability, consent and fit maxima add up to {total}, not 100")
        return self
