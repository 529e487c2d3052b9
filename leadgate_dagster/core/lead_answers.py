"""What the intake API answers about a lead: the inline verdict of its 202 and the status `GET /v1/leads/{id}`.

Pydantic models, so the API publishes them in its OpenAPI document. The core fills the verdict
(`core/intake_verdict.py`), the gate the status (`gate/lead_status.py`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FieldStatus = Literal["valid", "invalid", "risky", "unknown", "missing"]


class _Answer(BaseModel):
    model_config = ConfigDict(frozen=True)


class Issue(_Answer):
    """One reason code the verdict found, with the lead field it is about."""

    code: str = Field(description="reason code, as listed in docs/reason-codes.md")
    field: str | None = Field(description="the canonical lead field it is about (email, phone, mobile, first_name, "
                                          "postal_code, consent_sms ...); null when it is about the whole lead")
    severity: Literal["reject", "quarantine", "warn"] = Field(description="under the active ruleset")
    message: str = Field(description="the reason catalogue's sentence for the code")
    detail: str | None = Field(default=None, description="what the check saw (a field name, a suggestion ...)")


class EmailVerdict(_Answer):
    status: FieldStatus = Field(description="`unknown` for a domain outside the shipped table of mail domains: "
                                            "the verdict asks no DNS")
    normalized: str | None = Field(description="the address as the gate will use it")
    did_you_mean: str | None = Field(description="the address with the common mail domain its domain is probably "
                                                 "a typo of (ann@gmial.com -> ann@gmail.com)")


class PhoneVerdict(_Answer):
    """The number the gate will use: the better of `phone` and `mobile` (the mobile on a tie)."""

    status: FieldStatus
    e164: str | None = Field(description="E.164 form, e.g. +14155552671")
    line_type: str | None = Field(description="from the numbering plan: mobile, fixed_line, fixed_line_or_mobile, "
                                              "toll_free, voip, premium_rate, pager ...")
    region: str | None = Field(description="ISO 3166 alpha-2 country of the number")


class ChannelVerdict(_Answer):
    allowed: bool = Field(description="reachable and permitted by consent")
    reachable: bool = Field(description="the contact data passes the channel's threshold (consent aside)")
    consent: str = Field(description="the consent engine's state: granted, granted_unproven, not_given, "
                                     "not_required, refused, revoked, expired, ambiguous, out_of_scope, "
                                     "capture_not_accepted")


class ChannelsVerdict(_Answer):
    email: ChannelVerdict
    sms: ChannelVerdict
    voice: ChannelVerdict


class LeadVerdict(_Answer):
    """The pure core's verdict on one posted lead, computed before the 202; the full gate still decides it."""

    ok: bool = Field(description="no error: nothing a form needs to correct (it does not predict the disposition)")
    checked: Literal["syntax"] = Field(
        default="syntax", description="syntax, numbering plans and the shipped lists only: no DNS, no enrichment, "
                                      "no suppression list, no duplicate search")
    errors: list[Issue] = Field(description="reject- and quarantine-severity findings")
    warnings: list[Issue] = Field(description="warn-severity findings (info-severity ones are left out)")
    email: EmailVerdict | None = Field(description="null when the item could not be read as a lead")
    phone: PhoneVerdict | None = Field(description="null when the item could not be read as a lead")
    channels: ChannelsVerdict | None = Field(description="null when the item could not be read as a lead")
    allowed_channels: list[str] = Field(description="the allowed channels in the order email, sms, voice")
    ruleset_version: str


class ReasonSentence(_Answer):
    code: str
    sentence: str | None = Field(description="the catalogue's sentence; null for a code it no longer holds")


class CheckFired(_Answer):
    stage: str = Field(description="intake, validation, enrichment or identity")
    code: str
    severity: str = Field(description="under the ruleset that judged the lead")
    detail: str | None


class LeadStatus(_Answer):
    """Where a lead stands: pending until the pipeline decides it, then its current disposition."""

    lead_id: str
    status: Literal["pending", "decided"]
    source: str
    partner_id: str | None
    received_at: datetime
    replay_of: str | None = Field(description="the lead this one repeats; it carries that lead's decision")
    disposition: str | None = Field(description="ROUTE_AE, ROUTE_SDR, NURTURE_EMAIL_ONLY, QUARANTINE_REVIEW or "
                                                "REJECT; null while pending")
    reasons: list[ReasonSentence] = Field(description="the current decision's reason codes, in its order")
    checks: list[CheckFired] = Field(description="the checks that fired on the lead, stage by stage")
    allowed_channels: list[str]
    score: int | None = Field(description="the pre-score, 0-100")
    owner: str | None = Field(default=None, description="the email of the owner a ROUTE_SDR / ROUTE_AE lead is "
                                                        "routed to; null otherwise or while no owner could take it")
    ruleset_version: str | None
    decided_at: datetime | None
    decided_by: str | None = Field(description="pipeline, recheck, rescore or reviewer:<name>")
