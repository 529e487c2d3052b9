"""A data-quality check's outcome as plain data: the pipeline judges a batch once, and both the Dagster assets
(as asset check results) and `leadgate qa` (as a stop before qualification) read the same outcome."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Markdown(str):
    """A metadata value meant to be rendered as a Markdown table, not as plain text."""


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    name: str
    passed: bool
    # a failed blocking check stops the stages after it (Dagster: severity ERROR, `blocking=True` spec)
    blocking: bool
    description: str
    metadata: Mapping[str, Any] = field(default_factory=dict)
    # False: too little data to judge. Such an outcome is never `passed` (a check that judged nothing must not
    # look green); it is reported as a non-blocking warning with its sample sizes in the metadata.
    judged: bool = True


@dataclass(frozen=True, slots=True)
class CheckDeclaration:
    """What a check is, before any batch: its name, whether it blocks, and the sentence the UI shows."""

    name: str
    blocking: bool
    description: str
