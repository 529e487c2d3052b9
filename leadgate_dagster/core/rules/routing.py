"""`routing`: who works a routed lead (territory precedence, segments, time zones), its next step (speed to
lead, the SDR task's sequence, the AE's meeting link), lead-to-account matching and the alternate offers of
compliant but ineligible leads. The owners and accounts themselves are tables (`leadgate owners import`)."""

from __future__ import annotations

import string
from typing import Annotated, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.rules.section import Section, Words

Dimension = Literal["postal", "region", "country", "segment"]
DIMENSIONS: tuple[str, ...] = get_args(Dimension)
Channel = Literal["email", "sms", "voice"]
# the names a meeting link template may use (core/routing/next_steps.py fills them in)
LINK_FIELDS = frozenset({"owner_handle", "owner_email", "lead_id"})


class Segment(Section):
    """A lead is in the segment when its size band is one of `size_bands` or its industry one of
    `industries` (either list may be empty, not both)."""

    size_bands: Words = ()
    industries: Words = ()

    @model_validator(mode="after")
    def _not_empty(self) -> Segment:
        if not self.size_bands and not self.industries:
            raise ValueError("a segment names at least one size band or industry")
        return self


class SdrTask(Section):
    sequence: Annotated[str, Field(min_length=1)]
    channels: tuple[Channel, ...]  # in the sequence's order of preference


class AlternateOffer(Section):
    codes: Words  # the ineligibility codes this offer answers
    flow: Literal["product", "partner", "education"]
    offer: Annotated[str, Field(min_length=1)]

    @field_validator("codes")
    @classmethod
    def _known(cls, codes: Words) -> Words:
        if unknown := sorted(set(codes) - set(CATALOGUE)):
            raise ValueError(f"unknown reason codes {unknown}")
        return codes


class Alternate(Section):
    channels: tuple[Channel, ...]  # the lead is compliant for an offer when consent allows one of these
    offers: tuple[AlternateOffer, ...]


class RoutingRules(Section):
    territory_precedence: tuple[Dimension, ...]
    ae_territory_from_owners: bool
    segments: dict[str, Segment]
    default_timezone: str
    speed_to_lead_minutes: Annotated[float, Field(ge=0)]
    sdr_task: SdrTask
    meeting_link: str
    account_name_min_score: Annotated[int, Field(ge=0, le=100)]
    alternate: Alternate

    @field_validator("territory_precedence")
    @classmethod
    def _every_dimension_once(cls, order: tuple[str, ...]) -> tuple[str, ...]:
        if sorted(order) != sorted(DIMENSIONS):
            raise ValueError(f"name each of {', '.join(DIMENSIONS)} exactly once")
        return order

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r} (an IANA name such as Europe/Berlin)") from None
        return name

    @field_validator("meeting_link")
    @classmethod
    def _fields(cls, template: str) -> str:
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
        except ValueError as exc:
            raise ValueError(f"not a template: {exc}") from None
        if unknown := sorted(used - LINK_FIELDS):
            raise ValueError(f"unknown fields {unknown} (known: {', '.join(sorted(LINK_FIELDS))})")
        return template
