"""The MX lookup the validation stage uses: the ruleset's DNS mode (offline by default, live opt-in)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.validation.mx import MxResult

MxLookup = Callable[[Iterable[str]], Mapping[str, MxResult]]


def mx_lookup_for(engine: sa.Engine, rules: Ruleset) -> MxLookup:
    from leadgate_dagster.providers.dns import provider_from_rules

    return provider_from_rules(rules).lookup
