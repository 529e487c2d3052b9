"""The validation engine's settings: the ruleset's typed `validation` section (names matched case-insensitively
already lowercased, the default region uppercased: `core/rules/validation.py`), one object per ruleset content, so
the engine's checkers, which keep warm caches per settings object, survive a ruleset being loaded again."""

from __future__ import annotations

from leadgate_dagster.core.rules.validation import ValidationRules
from leadgate_dagster.core.ruleset import Ruleset

ValidationConfig = ValidationRules

_CACHE: dict[str, ValidationRules] = {}


def validation_config(rules: Ruleset) -> ValidationRules:
    """The validation settings of `rules`, the same object for every ruleset with its content hash."""
    return _CACHE.setdefault(rules.content_hash, rules.validation)
