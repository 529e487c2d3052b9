"""The intake API's limits and its controlled degradation: `api`."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from leadgate_dagster.core.rules.section import Section


class DegradationTier(Section):
    """From `backlog` undecided intake events on: batch clients are told to come back after
    `retry_after_seconds` (their leads are still stored), and the batch sensor claims `batch_factor` times its
    usual batch size."""

    backlog: Annotated[int, Field(gt=0)]
    retry_after_seconds: Annotated[int, Field(gt=0)]
    batch_factor: Annotated[float, Field(ge=1.0)]


class ApiRules(Section):
    max_body_bytes: Annotated[int, Field(gt=0)]
    max_leads_per_request: Annotated[int, Field(gt=0)]
    max_events_per_request: Annotated[int, Field(gt=0)]
    rate_per_second: Annotated[float, Field(gt=0)]
    rate_burst: Annotated[int, Field(gt=0)]
    # a retried request gets its first answer for at least this long (the spec's floor is 7 days)
    idempotency_days: Annotated[int, Field(ge=7)]
    degradation: tuple[DegradationTier, ...]

    @field_validator("degradation")
    @classmethod
    def _rising(cls, tiers: tuple[DegradationTier, ...]) -> tuple[DegradationTier, ...]:
        backlogs = [t.backlog for t in tiers]
        if backlogs != sorted(set(backlogs)):
            raise ValueError("tiers must be listed by rising backlog, each bound once")
        return tiers

    def tier(self, backlog: int) -> int:
        """The degradation tier of this backlog: 0 is normal, n is `degradation[n - 1]`."""
        return sum(backlog >= t.backlog for t in self.degradation)
