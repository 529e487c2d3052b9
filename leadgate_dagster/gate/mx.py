"""The MX lookup the validation stage uses: the ruleset's DNS mode (offline by default, live opt-in), behind
the Postgres cache with TTL."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.validation.mx import MxResult

MxLookup = Callable[[Iterable[str]], Mapping[str, MxResult]]


def mx_lookup_for(engine: sa.Engine, rules: Ruleset, *, mode: str = "", nameserver: str = "") -> MxLookup:
    from leadgate_dagster.providers.dns import CachedMxProvider, LiveMxProvider, OfflineMxProvider

    cfg = rules.section("validation").get("dns") or {}
    mode = mode or cfg.get("mode", "offline")
    if mode == "live":
        host, _, port = (nameserver or cfg.get("nameserver") or "").partition(":")
        provider = LiveMxProvider(nameserver=host or None, port=int(port or 53),
                                  timeout_s=float(cfg.get("timeout_s", 2.0)))
    else:
        provider = OfflineMxProvider()
    cached = CachedMxProvider(provider, engine, ttl_hours=float(cfg.get("cache_ttl_hours", 72)),
                              negative_ttl_hours=float(cfg.get("negative_ttl_hours", 1)))
    return cached.lookup
