"""The CRM handoff's destinations as a resource: the CRM's URL and token come from `LEADGATE_CRM_URL` and
`LEADGATE_CRM_TOKEN` through `dg.EnvVar` (Dagster resolves them at launch and never shows the token); no URL
means no CRM handoff, and the outbox simply waits. A webhook's secret is read from the environment variable the
ruleset names (`crm.webhooks.<name>.secret_env`) when the destinations are opened.

`from_env` passes an `EnvVar` only for the variables that are set: an unset `EnvVar` fails the launch.
"""

import os

import dagster as dg

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.crm_destinations import Destinations, open_destinations
from leadgate_dagster.settings import CRM_TOKEN_ENV, CRM_URL_ENV


class CrmResource(dg.ConfigurableResource):
    url: str = ""
    token: str = ""

    @classmethod
    def from_env(cls) -> "CrmResource":
        return cls(**{field: dg.EnvVar(name) for field, name in (("url", CRM_URL_ENV), ("token", CRM_TOKEN_ENV))
                      if name in os.environ})

    def destinations(self, rules: Ruleset) -> Destinations:
        """The clients for one drain (close them afterwards)."""
        return open_destinations(rules.crm, crm_url=self.url, crm_token=self.token, environ=os.environ)

    def configured(self, rules: Ruleset) -> bool:
        """Whether any destination could take a record: the CRM's URL, or a webhook whose secret is set."""
        return bool(self.url.strip()) or any(w.secret_env in os.environ for w in rules.crm.webhooks.values())
