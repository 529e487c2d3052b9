"""`consent`: what counts as consent per channel, capture spellings, campaign scopes.

Values that name channels, capture types or proof artifacts stay strings here; `core/consent_policy.py` turns
them into its enums and refuses a name it does not know.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator

from leadgate_dagster.core.rules.section import Section, Words


def _any_of(item: Any) -> Any:
    """A proof item is an artifact name or a list of them (any one will do); a name is a list of one."""
    return [item] if isinstance(item, str) else item


ProofItem = Annotated[Words, BeforeValidator(_any_of)]


class ChannelConsent(Section):
    opt_in_required: bool
    opt_in_required_countries: Words = ()
    accepted_captures: Words
    required_proof: tuple[ProofItem, ...]
    missing_proof: Literal["warn", "close"]
    max_age_days: float | None


class ConsentChannels(Section):
    email: ChannelConsent
    sms: ChannelConsent
    voice: ChannelConsent


class CampaignScope(Section):
    channels: Words = ()
    valid_days: float | None = None


MissingAction = Literal["hold", "nurture", "reject"]


class MissingConsent(Section):
    """What a lead with no consent data at all for an opt-in channel gets, per country (ISO 3166 alpha-2)."""

    default: MissingAction
    countries: dict[str, MissingAction]


class ConsentRules(Section):
    yes_values: Words
    no_values: Words
    capture_aliases: dict[str, str]
    reopt_in_after_revocation: bool
    future_tolerance_hours: float
    channels: ConsentChannels
    missing_policy: MissingConsent
    campaigns: dict[str, CampaignScope]
