"""The base of every ruleset section model."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


class Section(BaseModel):
    """Frozen (a ruleset judges many batches and must not drift) and closed (a misspelt key is an error, not
    a silently ignored setting)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


Words = tuple[str, ...]


def _lowered(values: object) -> object:
    if isinstance(values, (list, tuple, set, frozenset)):
        return frozenset(str(v).strip().lower() for v in values if str(v).strip())
    return values  # not a list: left for the type check to refuse


# a set of names matched case-insensitively (domains, mailbox names, line types): lowercased once, here
LowerWords = Annotated[frozenset[str], BeforeValidator(_lowered)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
