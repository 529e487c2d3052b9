"""Consent per channel (email, SMS, voice): may we contact this lead on this channel, and can we prove it?

For each channel a lead's consent is *present* when it was given, is not revoked, expired or outside its
campaign's scope, and its capture type is accepted for the channel; *permitted* when the channel needs no
opt-in (email under CAN-SPAM) and the lead did not refuse, or when the consent is present and its proof
complete enough for the channel's policy. A do-not-contact entry closes every channel whatever else holds.
Consent data that is simply absent (no value, as opposed to a "no") is *unknown*: the country's
`missing_policy` decides whether that holds the lead for review or, for email to a business address where the
law allows it, opens the channel (see MissingConsent).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadgate_dagster.core.columns import as_utc, column, list_column, parse_times, text
from leadgate_dagster.core.consent_policy import (
    PROOF_COLUMNS,
    CaptureType,
    Channel,
    ChannelPolicy,
    ConsentPolicy,
    MissingConsent,
    MissingProof,
    Proof,
    consent_policy,
    normalize_capture,
)
from leadgate_dagster.core.findings import Findings
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.suppression import SuppressionHits, match_suppressions

_DAY = pd.Timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ConsentResult:
    """`frame` (batch index): consent_capture_type, and per channel consent_<ch>_present / _permitted (bool),
    _proof (0-1 completeness of the required proof) and _state (one word for a reviewer); `findings`: codes;
    `dnc`: the global do-not-contact hits; `unknown` (bool per channel): closed only because the lead carries
    no consent data for it; `hold_unknown`: the lead's country holds a lead whose consent is unknown."""

    frame: pd.DataFrame
    findings: Findings
    dnc: pd.Series
    unknown: pd.DataFrame
    hold_unknown: pd.Series


def _proof_present(leads: pd.DataFrame, consent_at: pd.Series) -> dict[Proof, pd.Series]:
    have = {p: np.logical_or.reduce([text(leads, c).notna().to_numpy() for c in cols])
            for p, cols in PROOF_COLUMNS.items()}
    have[Proof.CONSENT_AT] = consent_at.notna().to_numpy()
    return {p: pd.Series(v, index=leads.index) for p, v in have.items()}


def _completeness(policy: ChannelPolicy, have: dict[Proof, pd.Series], capture_known: pd.Series) -> pd.Series:
    if not policy.required_proof:
        return pd.Series(1.0, index=capture_known.index)
    satisfied = []
    for item in policy.required_proof:
        met = np.logical_or.reduce([(capture_known if p is Proof.CAPTURE else have[p]).to_numpy() for p in item])
        satisfied.append(met)
    return pd.Series(np.mean(satisfied, axis=0), index=capture_known.index)


def _scope(leads: pd.DataFrame, policy: ConsentPolicy, channel: Channel) -> tuple[pd.Series, pd.Series]:
    """(out of the campaign's scope, the campaign's validity in days or NaN) per lead."""
    campaign = text(leads, "campaign")
    covered = {name: channel in scope.channels for name, scope in policy.campaigns.items()}
    days = {name: scope.valid_days for name, scope in policy.campaigns.items()}
    return campaign.map(covered).eq(False), pd.to_numeric(campaign.map(days), errors="coerce")


def evaluate_consent(leads: pd.DataFrame, *, rules: Ruleset, suppressions: pd.DataFrame | None = None,
                     as_of: pd.Timestamp | None = None) -> ConsentResult:
    """Consent per channel for a batch.

    Args:
        leads: one row per lead: consent_email/sms/voice, consent_capture, consent_at and the proof columns of
            PROOF_COLUMNS, campaign, country_iso2 (for country opt-in rules) and the suppression key columns.
            Absent consent columns mean no consent: consent is never assumed.
        rules: the active ruleset (`consent:` section).
        suppressions: suppression / DNC entries (see core.suppression); None means none.
        as_of: decision time for expiry and for ignoring later suppressions; None means now.

    Returns:
        ConsentResult aligned with `leads.index`.
    """
    policy = consent_policy(rules)
    now = as_utc(as_of)
    hits = match_suppressions(leads, suppressions, now)
    findings = Findings(len(leads))
    consent_at = parse_times(column(leads, "consent_at"))
    consent_at = consent_at.where(consent_at <= now + pd.Timedelta(hours=policy.future_tolerance_hours))
    age_days = (now - consent_at) / _DAY
    raw_capture = text(leads, "consent_capture")
    lookup = {v: normalize_capture(v, policy.capture_aliases).value for v in raw_capture.dropna().unique()}
    capture = raw_capture.map(lookup).fillna(CaptureType.UNSPECIFIED.value)
    capture_known = capture != CaptureType.UNSPECIFIED.value
    have = _proof_present(leads, consent_at)
    country = text(leads, "country_iso2").fillna("").str.upper()
    frame = pd.DataFrame({"consent_capture_type": capture}, index=leads.index)
    missing = country.map(policy.missing_by_country).fillna(policy.missing_default)
    business = ~list_column(leads, "email_flags").map(lambda flags: "free" in flags).astype(bool)
    nurture = (missing == MissingConsent.NURTURE) & business
    unknown = pd.DataFrame(index=leads.index)
    answered = pd.Series(False, index=leads.index)
    for channel, cp in policy.channels.items():
        waived = nurture if channel is Channel.EMAIL else pd.Series(False, index=leads.index)
        unknown[channel.value], said = _channel(leads, channel, cp, policy, hits, capture, capture_known, have,
                                                   age_days, country, waived, frame, findings, consent_at)
        answered |= said
    findings.add("SUPPRESSED_DNC", hits.dnc)
    # a lead with any consent answer (a no, an expired yes, an opt-out on file) is decided as before
    hold = (missing != MissingConsent.REJECT) & ~answered
    return ConsentResult(frame=frame, findings=findings, dnc=hits.dnc, unknown=unknown, hold_unknown=hold)


def _channel(leads: pd.DataFrame, channel: Channel, cp: ChannelPolicy, policy: ConsentPolicy,
             hits: SuppressionHits, capture: pd.Series, capture_known: pd.Series, have: dict[Proof, pd.Series],
             age_days: pd.Series, country: pd.Series, waived: pd.Series, frame: pd.DataFrame, findings: Findings,
             consent_at: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Fill the channel's frame columns and findings; return where it is closed only for want of consent data
    (`waived`: where absent consent data needs no opt-in after all, by the country's missing_policy), and
    where the lead gave any answer for it (a value of any kind, or a revocation on file)."""
    value = text(leads, f"consent_{channel.value}", lower=True)
    absent = value.isna()
    given = value.isin(policy.yes_values)
    refused = value.isin(policy.no_values)
    ambiguous = value.notna() & ~given & ~refused
    revoked = hits.revoked[channel]
    if policy.reopt_in_after_revocation:  # a consent dated after a dated opt-out re-opens the channel
        revoked = revoked & ~(consent_at.notna() & hits.revoked_at[channel].notna()
                              & (consent_at > hits.revoked_at[channel]))
    out_of_scope, campaign_days = _scope(leads, policy, channel)
    limit = pd.Series(cp.max_age_days if cp.max_age_days is not None else np.nan, index=leads.index)
    limit = np.fmin(limit, campaign_days)
    expired = given & limit.notna() & age_days.notna() & (age_days > limit)
    captured_ok = ~capture_known | capture.isin([c.value for c in cp.accepted_captures])
    present = given & ~revoked & ~hits.dnc & ~expired & ~out_of_scope & captured_ok
    proof = _completeness(cp, have, capture_known)
    proof_ok = (proof >= 1.0) | (cp.missing_proof is MissingProof.WARN)
    opt_in = (cp.opt_in_required | country.isin(cp.opt_in_required_countries)) & ~(absent & waived)
    permitted = np.where(opt_in, present & proof_ok, ~refused & ~revoked & ~hits.dnc)
    frame[f"consent_{channel.value}_present"] = present.astype(bool)
    frame[f"consent_{channel.value}_permitted"] = pd.Series(permitted, index=leads.index).astype(bool)
    frame[f"consent_{channel.value}_proof"] = proof.where(given, 0.0).round(3)
    frame[f"consent_{channel.value}_state"] = _state(given, refused, ambiguous, revoked, hits.dnc, expired,
                                                     out_of_scope, captured_ok, proof >= 1.0, opt_in)
    findings.add("CONSENT_REVOKED", revoked & ~hits.dnc)
    findings.add("CONSENT_AMBIGUOUS", ambiguous)
    findings.add("CONSENT_EXPIRED", expired & ~revoked & ~hits.dnc)
    findings.add("CONSENT_OUT_OF_SCOPE", given & out_of_scope)
    findings.add("CONSENT_CAPTURE_NOT_ACCEPTED", given & ~captured_ok)
    findings.add("CONSENT_PROOF_MISSING", present & (proof < 1.0))
    return absent & opt_in & ~revoked & ~hits.dnc, ~absent | revoked


def _state(given: pd.Series, refused: pd.Series, ambiguous: pd.Series, revoked: pd.Series, dnc: pd.Series,
           expired: pd.Series, out_of_scope: pd.Series, captured_ok: pd.Series, proven: pd.Series,
           opt_in: pd.Series | bool) -> pd.Series:
    """One word per lead, the first that applies, for the score inputs a reviewer reads."""
    conditions = [dnc, revoked, refused, ambiguous, given & expired, given & out_of_scope, given & ~captured_ok,
                  given & proven, given]
    choices = ["do_not_contact", "revoked", "refused", "ambiguous", "expired", "out_of_scope",
               "capture_not_accepted", "granted", "granted_unproven"]
    fallback = np.where(np.asarray(opt_in, dtype=bool) & np.ones(len(given), dtype=bool), "not_given",
                        "not_required")
    return pd.Series(np.select([np.asarray(c, dtype=bool) for c in conditions], choices, default=fallback),
                     index=given.index)
