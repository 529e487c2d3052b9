"""MX/DNS lookups as a resource: offline unless the ruleset (validation.dns.mode) or this resource's config
switches live DNS on."""

from __future__ import annotations

import dagster as dg

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.mx import MxLookup, mx_lookup_for
from leadgate_dagster.resources.db import PostgresResource


class MxResource(dg.ConfigurableResource):
    db: PostgresResource
    mode: str = ""  # "" = the ruleset's validation.dns.mode; "offline" | "live"
    nameserver: str = ""  # host[:port] for live mode; "" = the system resolver

    def lookup_for(self, rules: Ruleset) -> MxLookup:
        return mx_lookup_for(self.db.engine(), rules, mode=self.mode, nameserver=self.nameserver)
