"""The destinations a deployment has: the CRM when its URL is set, and each webhook of the ruleset whose secret
is set. A destination that is missing is not an error: its persons' rows wait in the outbox until it is there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from leadgate_dagster.core.rules.crm import CRM, WEBHOOK_PREFIX, CrmRules
from leadgate_dagster.providers.crm import CrmClient
from leadgate_dagster.providers.crm_webhook import WebhookClient


@dataclass
class Destinations:
    crm: CrmClient | None = None
    webhooks: dict[str, WebhookClient] = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # destinations the ruleset names that this deployment lacks (why they wait)

    def has(self, destination: str) -> bool:
        if destination == CRM:
            return self.crm is not None
        return destination.removeprefix(WEBHOOK_PREFIX) in self.webhooks

    def webhook(self, destination: str) -> WebhookClient:
        return self.webhooks[destination.removeprefix(WEBHOOK_PREFIX)]

    def close(self) -> None:
        for client in [self.crm, *self.webhooks.values()]:
            if client is not None:
                client.http.close()


def open_destinations(rules: CrmRules, *, crm_url: str, crm_token: str, environ: Mapping[str, str],
                      transport: httpx.BaseTransport | None = None) -> Destinations:
    """The CRM (no URL: none) and the ruleset's webhooks whose `secret_env` is set in `environ`."""
    crm = CrmClient(crm_url, crm_token, rules, transport=transport) if crm_url.strip() else None
    webhooks, missing = {}, [] if crm else [CRM]
    for name, spec in rules.webhooks.items():
        secret = environ.get(spec.secret_env, "")
        if secret:
            webhooks[name] = WebhookClient(spec.url, secret, rules, transport=transport)
        else:
            missing.append(f"{WEBHOOK_PREFIX}{name} ({spec.secret_env} unset)")
    return Destinations(crm=crm, webhooks=webhooks, missing=tuple(missing))
