"""A generic destination: contact records POSTed as JSON to a URL, signed as Standard Webhooks specifies
(`webhook-id`, `webhook-timestamp`, `webhook-signature`: HMAC-SHA256 over id.timestamp.body with the shared
`whsec_` secret), over the providers' HTTP client (rate limit, retries, breaker) like the CRM.

The body: {"type": "leadgate.contacts.updated", "timestamp", "data": {"contacts": [...]}}, each contact with
its fields (core/crm_payload.py) under the leadgate field names, `person_id` and `sync_seq` among them, so a
receiver keeps the record with the highest `sync_seq` per person. A retry of the same batch carries the same
`webhook-id`, which the receiver may use to drop a repeat.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import httpx
from standardwebhooks.webhooks import Webhook

from leadgate_dagster.core.crm_delivery import Delivery, Outcome
from leadgate_dagster.core.crm_payload import Contact
from leadgate_dagster.core.rules.crm import CrmRules
from leadgate_dagster.providers.crm import failed_all, http_settings
from leadgate_dagster.providers.http_client import ProviderError, ProviderHttpClient

EVENT_TYPE = "leadgate.contacts.updated"


class WebhookClient:
    """One signed webhook destination; create it per drain and close it."""

    def __init__(self, url: str, secret: str, rules: CrmRules, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep, now: Callable[[], datetime] = lambda: datetime.now(UTC)
                 ) -> None:
        self.url = url
        self.signer = Webhook(secret)
        self.http = ProviderHttpClient(http_settings(url, "", rules), transport=transport, sleep=sleep)
        self._now = now

    def __enter__(self) -> WebhookClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def send(self, contacts: Sequence[Contact]) -> list[Delivery]:
        """POST one signed message holding these contacts; any 2xx delivers them all."""
        at = self._now()
        message_id = "msg_" + hashlib.sha256(",".join(f"{c.person_id}:{c.seq}" for c in contacts).encode()).hexdigest()[:32]
        body = json.dumps({"type": EVENT_TYPE, "timestamp": at.isoformat(),
                           "data": {"contacts": [c.fields for c in contacts]}}, separators=(",", ":")).encode()
        headers = {"content-type": "application/json", "webhook-id": message_id,
                   "webhook-timestamp": str(int(at.timestamp())),
                   "webhook-signature": self.signer.sign(message_id, at, body)}
        keyed = {c.person_id: c.person_id for c in contacts}
        try:
            status = self.http.request_json("POST", self.url, content=body, headers=headers, want_json=False)
        except ProviderError as exc:
            return failed_all(keyed, exc)
        return [Delivery(p, Outcome.DELIVERED, http_status=int(status)) for p in keyed]
