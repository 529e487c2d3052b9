"""The `consent:` section of a ruleset as frozen, typed settings: channels, capture types, proof artifacts.

What counts as consent differs by channel and by law (CAN-SPAM is opt-out, TCPA/10DLC want explicit SMS
consent with the language shown, GDPR/CASL want opt-in email), so all of it is data, read here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from leadgate_dagster.core.columns import merged_section
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


def _words(values: Any) -> frozenset[str]:
    return frozenset(str(v).strip().lower() for v in (values or ()) if str(v).strip())


def _proof_item(item: Any) -> frozenset[Proof]:
    items = item if isinstance(item, (list, tuple)) else [item]
    return frozenset(Proof(str(i)) for i in items)


def _optional_days(value: Any) -> float | None:
    return None if value is None else float(value)


def _channel(name: Channel, raw: dict[str, Any]) -> ChannelPolicy:
    return ChannelPolicy(
        channel=name,
        opt_in_required=bool(raw.get("opt_in_required", True)),
        opt_in_required_countries=frozenset(str(c).upper() for c in raw.get("opt_in_required_countries") or ()),
        accepted_captures=frozenset(CaptureType(str(c)) for c in raw.get("accepted_captures") or ()),
        required_proof=tuple(_proof_item(i) for i in raw.get("required_proof") or ()),
        missing_proof=MissingProof(str(raw.get("missing_proof", "warn"))),
        max_age_days=_optional_days(raw.get("max_age_days")),
    )


_CACHE: dict[str, ConsentPolicy] = {}


def consent_policy(rules: Ruleset) -> ConsentPolicy:
    """The consent settings of `rules`, parsed once per ruleset content hash.

    Args:
        rules: the active ruleset; keys its `consent:` section leaves out take the shipped values.

    Returns:
        Frozen settings. Unknown channel, capture or proof names raise ValueError: a typo in a
        compliance rule must stop the ruleset, not silently open a channel.
    """
    cached = _CACHE.get(rules.content_hash)
    if cached is not None:
        return cached
    raw = merged_section(rules, "consent")
    aliases = {str(k).strip().lower(): CaptureType(str(v)) for k, v in (raw.get("capture_aliases") or {}).items()}
    campaigns = {
        str(name): CampaignScope(channels=frozenset(Channel(str(c)) for c in spec.get("channels") or ()),
                                 valid_days=_optional_days(spec.get("valid_days")))
        for name, spec in (raw.get("campaigns") or {}).items()
    }
    policy = ConsentPolicy(
        yes_values=_words(raw.get("yes_values")),
        no_values=_words(raw.get("no_values")),
        capture_aliases=aliases,
        reopt_in_after_revocation=bool(raw.get("reopt_in_after_revocation", False)),
        future_tolerance_hours=float(raw.get("future_tolerance_hours", 24)),
        channels={c: _channel(c, dict((raw.get("channels") or {}).get(c.value) or {})) for c in Channel},
        campaigns=campaigns,
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
