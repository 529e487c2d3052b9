"""`crm`: the handoff to the CRM and to signed webhooks — what is handed off, where it goes, how the contact's
fields are named there, and the delivery's limits and retry budget (docs/crm-handoff.md)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from leadgate_dagster.core.rules.review import DispositionName
from leadgate_dagster.core.rules.section import Section

CRM = "crm"
WEBHOOK_PREFIX = "webhook:"
# what a contact record carries (core/crm_payload.py builds them); `crm.properties` names each in the CRM
CONTACT_FIELDS = frozenset({
    "email", "first_name", "last_name", "phone", "company", "job_title", "city", "country",
    "person_id", "lead_id", "source", "disposition", "score", "priority_score", "engagement_score",
    "reason_codes", "allowed_channels", "do_not_contact", "decided_at", "ruleset_version", "sync_seq",
    "owner_email", "owner_rule", "account_id", "account_match"})
Positive = Annotated[float, Field(gt=0)]


class RateLimit(Section):
    """The CRM's published limit: at most `requests` calls in any `window_seconds` (HubSpot: 190 per 10 s)."""

    requests: Annotated[int, Field(gt=0)]
    window_seconds: Positive


class Webhook(Section):
    """A generic destination: contacts POSTed as JSON, signed with Standard Webhooks (the secret is read from
    the environment variable `secret_env`, never from here)."""

    url: Annotated[str, Field(min_length=1)]
    secret_env: Annotated[str, Field(min_length=1)]


class Destinations(Section):
    """Where a person's record goes: `crm` or `webhook:<name>`; by the disposition first, then the source, then
    the default. A person already in a destination stays there."""

    default: str
    by_source: dict[str, str]
    by_disposition: dict[DispositionName, str]


class CrmRules(Section):
    # a person is handed off once one of its leads has one of these as its current disposition; afterwards every
    # change reaches the CRM (a hold or reject clears the owner and sets do-not-contact)
    handoff_dispositions: tuple[DispositionName, ...]
    batch_size: Annotated[int, Field(gt=0, le=100)]  # contacts per batch call (HubSpot's limit: 100)
    rate_limit: RateLimit
    max_concurrency: Annotated[int, Field(gt=0, le=16)]  # CRM calls in flight at once (the rate limit still holds)
    timeout_s: Positive
    connect_timeout_s: Positive
    attempts: Annotated[int, Field(gt=0)]  # exchanges per call (429 / 5xx / timeouts retried with backoff)
    backoff_initial_s: Positive
    backoff_max_s: Positive
    retry_after_cap_s: Positive
    delivery_attempts: Annotated[int, Field(gt=0)]  # drains that failed for a person before HANDOFF_FAILED
    redelivery_backoff_s: Annotated[float, Field(ge=0)]  # after n failed drains: this * 2^(n-1), capped
    redelivery_backoff_max_s: Annotated[float, Field(ge=0)]
    drain_max_seconds: Positive  # one drain (a sensor run, `leadgate crm sync`) stops claiming after this
    max_pending_age_s: Positive  # crm_outbox_age check: the oldest due row waits at most this long
    properties: dict[str, str]  # contact field -> CRM property ("" leaves the field out)
    destinations: Destinations
    webhooks: dict[str, Webhook]

    @model_validator(mode="after")
    def _consistent(self) -> CrmRules:
        problems = []
        if unknown := sorted(set(self.properties) - CONTACT_FIELDS):
            problems.append(f"properties: unknown contact fields {unknown}")
        if not self.properties.get("email"):
            problems.append("properties.email: contacts are upserted by email, it needs a property name")
        named = [("destinations.default", self.destinations.default),
                 *((f"destinations.by_source.{k}", v) for k, v in self.destinations.by_source.items()),
                 *((f"destinations.by_disposition.{k}", v) for k, v in self.destinations.by_disposition.items())]
        for where, target in named:
            if target != CRM and target.removeprefix(WEBHOOK_PREFIX) not in self.webhooks:
                problems.append(f"{where}: {target!r} is neither 'crm' nor 'webhook:<a name under webhooks>'")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def client_rate(self) -> tuple[float, int]:
        """(tokens per second, burst) of a token bucket that never makes more than `rate_limit.requests` calls in
        any window: burst + rate x window stays 3 % under the limit (room for the network's jitter)."""
        limit = self.rate_limit
        burst = max(1, min(10, limit.requests // 20))
        return (limit.requests - burst) * 0.97 / limit.window_seconds, burst
