"""The MX lookup the validation stage uses: the ruleset's DNS mode (offline by default, live opt-in) behind
the Postgres cache with TTL, so a domain is asked about once per TTL, not once per lead or batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.validation.mx import MxResult

MxLookup = Callable[[Iterable[str]], Mapping[str, MxResult]]


def mx_lookup_for(engine: sa.Engine, rules: Ruleset) -> MxLookup:
    from leadgate_dagster.providers.dns import provider_from_rules
    from leadgate_dagster.store.mx_cache import CachedMxProvider

    cfg = rules.validation.dns
    return CachedMxProvider(provider_from_rules(rules), engine, ttl=timedelta(hours=cfg.cache_ttl_hours),
                            negative_ttl=timedelta(hours=cfg.negative_ttl_hours)).lookup
