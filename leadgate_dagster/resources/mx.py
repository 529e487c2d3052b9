"""MX/DNS lookups as a resource; the ruleset's `validation.dns` section says offline (default) or live."""


import dagster as dg

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.mx import MxLookup, mx_lookup_for
from leadgate_dagster.resources.db import PostgresResource


class MxResource(dg.ConfigurableResource):
    db: PostgresResource

    def lookup_for(self, rules: Ruleset) -> MxLookup:
        return mx_lookup_for(self.db.engine(), rules)
