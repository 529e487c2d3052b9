"""The `consent:` section of a ruleset as frozen, typed settings: channels, capture types, proof artifacts.

What counts as consent differs by channel and by law (CAN-SPAM is opt-out, TCPA/10DLC want explicit SMS
consent with the language shown, GDPR/CASL want opt-in email), so all of it is data, read here once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from leadgate_dagster.core.rules.consent import ChannelConsent
from leadgate_dagster.core.ruleset import Ruleset


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    VOICE = "voice"


class CaptureType(StrEnum):
    CHECKBOX = "checkbox"
    DOUBLE_OPT_IN = "double_opt_in"
    VERBAL = "verbal"
    IMPORTED = "imported"
    KEYWORD = "keyword"
    WRITTEN = "written"
    OTHER = "other"  # given, but not a capture type we know
    UNSPECIFIED = "unspecified"  # not given


class Proof(StrEnum):
    """Proof artifacts of a consent; each names the lead columns that satisfy it."""

    CAPTURE = "capture"
    CONSENT_AT = "consent_at"
    CONSENT_TEXT = "consent_text"
    CONSENT_URL = "consent_url"
    CERTIFICATE = "certificate"
    IP = "ip"
    SCREENSHOT = "screenshot"


PROOF_COLUMNS: dict[Proof, tuple[str, ...]] = {
    Proof.CAPTURE: ("consent_capture",),
    Proof.CONSENT_AT: ("consent_at",),
    Proof.CONSENT_TEXT: ("consent_text_version", "consent_text_hash"),
    Proof.CONSENT_URL: ("consent_url",),
    Proof.CERTIFICATE: ("consent_certificate_id",),
    Proof.IP: ("ip_hmac", "ip"),
    Proof.SCREENSHOT: ("screenshot_hash",),
}


class MissingProof(StrEnum):
    WARN = "warn"  # the channel stays open; CONSENT_PROOF_MISSING is recorded
    CLOSE = "close"  # the channel closes as well


class MissingConsent(StrEnum):
    """What absent consent data (not a refusal) on an opt-in channel does, per the lead's country."""

    HOLD = "hold"  # held for review (CONSENT_UNKNOWN) when no channel is open
    NURTURE = "nurture"  # email to a business address opens without an opt-in; otherwise as HOLD
    REJECT = "reject"  # the channel stays closed; the lead is decided without regard to why


@dataclass(frozen=True, slots=True)
class ChannelPolicy:
    channel: Channel
    opt_in_required: bool
    opt_in_required_countries: frozenset[str]
    accepted_captures: frozenset[CaptureType]
    required_proof: tuple[frozenset[Proof], ...]  # each item: any one of these artifacts
    missing_proof: MissingProof
    max_age_days: float | None


@dataclass(frozen=True, slots=True)
class CampaignScope:
    channels: frozenset[Channel]
    valid_days: float | None


@dataclass(frozen=True, slots=True)
class ConsentPolicy:
    yes_values: frozenset[str]
    no_values: frozenset[str]
    capture_aliases: dict[str, CaptureType]
    reopt_in_after_revocation: bool
    future_tolerance_hours: float
    channels: dict[Channel, ChannelPolicy]
    campaigns: dict[str, CampaignScope]
    missing_default: MissingConsent
    missing_by_country: dict[str, MissingConsent]


def _words(values: Iterable[str]) -> frozenset[str]:
    return frozenset(str(v).strip().lower() for v in values if str(v).strip())


def _channel(name: Channel, raw: ChannelConsent) -> ChannelPolicy:
    return ChannelPolicy(
        channel=name,
        opt_in_required=raw.opt_in_required,
        opt_in_required_countries=frozenset(c.upper() for c in raw.opt_in_required_countries),
        accepted_captures=frozenset(CaptureType(c) for c in raw.accepted_captures),
        required_proof=tuple(frozenset(Proof(i) for i in item) for item in raw.required_proof),
        missing_proof=MissingProof(raw.missing_proof),
        max_age_days=raw.max_age_days,
    )


_CACHE: dict[str, ConsentPolicy] = {}


def consent_policy(rules: Ruleset) -> ConsentPolicy:
    """The consent settings of `rules`, parsed once per ruleset content hash.

    Args:
        rules: the active ruleset.

    Returns:
        Frozen settings. Unknown channel, capture or proof names raise ValueError: a typo in a
        compliance rule must stop the ruleset, not silently open a channel.
    """
    cached = _CACHE.get(rules.content_hash)
    if cached is not None:
        return cached
    raw = rules.consent
    aliases = {k.strip().lower(): CaptureType(v) for k, v in raw.capture_aliases.items()}
    campaigns = {name: CampaignScope(channels=frozenset(Channel(c) for c in spec.channels),
                                     valid_days=spec.valid_days)
                 for name, spec in raw.campaigns.items()}
    policy = ConsentPolicy(
        yes_values=_words(raw.yes_values),
        no_values=_words(raw.no_values),
        capture_aliases=aliases,
        reopt_in_after_revocation=raw.reopt_in_after_revocation,
        future_tolerance_hours=raw.future_tolerance_hours,
        channels={c: _channel(c, getattr(raw.channels, c.value)) for c in Channel},
        campaigns=campaigns,
        missing_default=MissingConsent(raw.missing_policy.default),
        missing_by_country={c.upper(): MissingConsent(v) for c, v in raw.missing_policy.countries.items()},
    )
    _CACHE[rules.content_hash] = policy
    return policy


def normalize_capture(value: str | None, aliases: dict[str, CaptureType]) -> CaptureType:
    """A consent_capture value as a CaptureType ("Double Opt-In" -> double_opt_in, blank -> unspecified)."""
    if value is None or not str(value).strip():
        return CaptureType.UNSPECIFIED
    key = "_".join(str(value).strip().lower().replace("-", " ").split())
    if key in aliases:
        return aliases[key]
    try:
        return CaptureType(key)
    except ValueError:
        return CaptureType.OTHER
