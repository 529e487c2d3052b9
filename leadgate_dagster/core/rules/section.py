"""The base of every ruleset section model."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Section(BaseModel):
    """Frozen (a ruleset judges many batches and must not drift) and closed (a misspelt key is an error, not
    a silently ignored setting)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


Words = tuple[str, ...]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
