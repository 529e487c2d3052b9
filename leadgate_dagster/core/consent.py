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

from leadgate_dagster.core.columns import as_utc, column, list_values, member, parse_times, text_values
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


def _proof_present(leads: pd.DataFrame, consent_at: pd.Series) -> dict[Proof, np.ndarray]:
    have = {p: np.logical_or.reduce([np.not_equal(text_values(leads, c), None) for c in cols])
            for p, cols in PROOF_COLUMNS.items()}
    have[Proof.CONSENT_AT] = consent_at.notna().to_numpy()
    return have


def _completeness(policy: ChannelPolicy, have: dict[Proof, np.ndarray], capture_known: np.ndarray) -> np.ndarray:
    if not policy.required_proof:
        return np.ones(len(capture_known))
    satisfied = [np.logical_or.reduce([capture_known if p is Proof.CAPTURE else have[p] for p in item])
                 for item in policy.required_proof]
    return np.mean(satisfied, axis=0)


@dataclass(frozen=True, slots=True)
class _Batch:
    """What every channel reads, as arrays in the batch's row order (numpy: a form's single lead is decided
    in a millisecond or two, where pandas' fixed cost per operation would take ten)."""

    leads: pd.DataFrame
    hits: SuppressionHits
    dnc: np.ndarray
    consent_at: pd.Series
    age_days: np.ndarray
    capture: np.ndarray
    capture_known: np.ndarray
    have: dict[Proof, np.ndarray]
    country: np.ndarray
    campaign: np.ndarray


def _scope(batch: _Batch, policy: ConsentPolicy, channel: Channel) -> tuple[np.ndarray, np.ndarray]:
    """(out of the campaign's scope, the campaign's validity in days or NaN) per lead."""
    covered = {name: channel in scope.channels for name, scope in policy.campaigns.items()}
    days = {name: np.nan if scope.valid_days is None else float(scope.valid_days)
            for name, scope in policy.campaigns.items()}
    campaign = batch.campaign
    return (np.fromiter((covered.get(c) is False for c in campaign), dtype=bool, count=len(campaign)),
            np.fromiter((days.get(c, np.nan) for c in campaign), dtype=float, count=len(campaign)))


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
    raw_capture = text_values(leads, "consent_capture")
    lookup = {v: normalize_capture(v, policy.capture_aliases).value for v in set(raw_capture) if v is not None}
    capture = np.array([lookup.get(v, CaptureType.UNSPECIFIED.value) for v in raw_capture], dtype=object)
    country = np.array([(c or "").upper() for c in text_values(leads, "country_iso2")], dtype=object)
    batch = _Batch(leads, hits, hits.dnc.to_numpy(dtype=bool), consent_at,
                   ((now - consent_at) / _DAY).to_numpy(dtype=float), capture,
                   capture != CaptureType.UNSPECIFIED.value, _proof_present(leads, consent_at), country,
                   text_values(leads, "campaign"))
    missing = np.array([policy.missing_by_country.get(c, policy.missing_default) for c in country], dtype=object)
    business = np.fromiter(("free" not in flags for flags in list_values(leads, "email_flags")), dtype=bool,
                           count=len(leads))
    nurture = (missing == MissingConsent.NURTURE) & business
    columns: dict[str, np.ndarray] = {"consent_capture_type": capture}
    unknown: dict[str, np.ndarray] = {}
    answered = np.zeros(len(leads), dtype=bool)
    for channel, cp in policy.channels.items():
        waived = nurture if channel is Channel.EMAIL else np.zeros(len(leads), dtype=bool)
        unknown[channel.value], said = _channel(batch, channel, cp, policy, waived, columns, findings)
        answered |= said
    findings.add("SUPPRESSED_DNC", batch.dnc)
    # a lead with any consent answer (a no, an expired yes, an opt-out on file) is decided as before
    hold = (missing != MissingConsent.REJECT) & ~answered
    return ConsentResult(frame=pd.DataFrame(columns, index=leads.index), findings=findings, dnc=hits.dnc,
                         unknown=pd.DataFrame(unknown, index=leads.index, dtype=bool),
                         hold_unknown=pd.Series(hold, index=leads.index, dtype=bool))


def _channel(batch: _Batch, channel: Channel, cp: ChannelPolicy, policy: ConsentPolicy, waived: np.ndarray,
             columns: dict[str, np.ndarray], findings: Findings) -> tuple[np.ndarray, np.ndarray]:
    """Fill the channel's frame columns and findings; return where it is closed only for want of consent data
    (`waived`: where absent consent data needs no opt-in after all, by the country's missing_policy), and
    where the lead gave any answer for it (a value of any kind, or a revocation on file)."""
    value = text_values(batch.leads, f"consent_{channel.value}", lower=True)
    absent = np.fromiter((v is None for v in value), dtype=bool, count=len(value))
    given = member(value, policy.yes_values)
    refused = member(value, policy.no_values)
    ambiguous = ~absent & ~given & ~refused
    dnc = batch.dnc
    revoked = batch.hits.revoked[channel].to_numpy(dtype=bool)
    if policy.reopt_in_after_revocation and revoked.any():  # a consent dated after a dated opt-out re-opens it
        revoked_at, consent_at = batch.hits.revoked_at[channel], batch.consent_at
        revoked = revoked & ~(consent_at.notna() & revoked_at.notna() & (consent_at > revoked_at)).to_numpy()
    out_of_scope, campaign_days = _scope(batch, policy, channel)
    limit = np.fmin(np.full(len(value), np.nan if cp.max_age_days is None else cp.max_age_days), campaign_days)
    age_days = batch.age_days
    with np.errstate(invalid="ignore"):
        expired = given & ~np.isnan(limit) & ~np.isnan(age_days) & (age_days > limit)
    captured_ok = ~batch.capture_known | member(batch.capture, {c.value for c in cp.accepted_captures})
    present = given & ~revoked & ~dnc & ~expired & ~out_of_scope & captured_ok
    proof = _completeness(cp, batch.have, batch.capture_known)
    proof_ok = (proof >= 1.0) | (cp.missing_proof is MissingProof.WARN)
    opt_in = (cp.opt_in_required | member(batch.country, cp.opt_in_required_countries)) & ~(absent & waived)
    permitted = np.where(opt_in, present & proof_ok, ~refused & ~revoked & ~dnc)
    columns[f"consent_{channel.value}_present"] = present
    columns[f"consent_{channel.value}_permitted"] = permitted.astype(bool)
    columns[f"consent_{channel.value}_proof"] = np.where(given, proof, 0.0).round(3)
    columns[f"consent_{channel.value}_state"] = _state(given, refused, ambiguous, revoked, dnc, expired,
                                                       out_of_scope, captured_ok, proof >= 1.0, opt_in)
    findings.add("CONSENT_REVOKED", revoked & ~dnc)
    findings.add("CONSENT_AMBIGUOUS", ambiguous)
    findings.add("CONSENT_EXPIRED", expired & ~revoked & ~dnc)
    findings.add("CONSENT_OUT_OF_SCOPE", given & out_of_scope)
    findings.add("CONSENT_CAPTURE_NOT_ACCEPTED", given & ~captured_ok)
    findings.add("CONSENT_PROOF_MISSING", present & (proof < 1.0))
    return absent & opt_in & ~revoked & ~dnc, ~absent | revoked


def _state(given: np.ndarray, refused: np.ndarray, ambiguous: np.ndarray, revoked: np.ndarray, dnc: np.ndarray,
           expired: np.ndarray, out_of_scope: np.ndarray, captured_ok: np.ndarray, proven: np.ndarray,
           opt_in: np.ndarray) -> np.ndarray:
    """One word per lead, the first that applies, for the score inputs a reviewer reads."""
    conditions = [dnc, revoked, refused, ambiguous, given & expired, given & out_of_scope, given & ~captured_ok,
                  given & proven, given]
    choices = ["do_not_contact", "revoked", "refused", "ambiguous", "expired", "out_of_scope",
               "capture_not_accepted", "granted", "granted_unproven"]
    return np.select(conditions, choices, default=np.where(opt_in, "not_given", "not_required")).astype(object)
