"""The active ruleset: the one activated in `rulesets` (leadgate rules activate), else the shipped default."""


import dagster as dg

from leadgate_dagster.core.ruleset import Ruleset, load_ruleset
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.store import rulesets


class RulesResource(dg.ConfigurableResource):
    db: PostgresResource
    path: str = ""  # a YAML file overriding both the database and the shipped default

    def active(self) -> Ruleset:
        if self.path:
            return load_ruleset(self.path)
        with self.db.engine().connect() as conn:
            return rulesets.current(conn)
