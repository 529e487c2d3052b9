"""One deterministic disposition per lead, by an ordered precedence (the spec's rubric overlaps, so order matters).

1. a reject-severity reason                         -> REJECT
2. a quarantine-severity reason                     -> QUARANTINE_REVIEW
3. qualified (reachability and consent thresholds): demo requested -> ROUTE_AE;
   voice or SMS allowed -> ROUTE_SDR; email allowed -> NURTURE_EMAIL_ONLY
4. a borderline part (the rubric's 20-29 band)      -> QUARANTINE_REVIEW (SCORE_BORDERLINE)
5. email allowed                                    -> NURTURE_EMAIL_ONLY (LOW_SCORE)
6. otherwise                                        -> REJECT (NOT_QUALIFIED, or NO_ALLOWED_CHANNEL)
"""

from __future__ import annotations

from enum import StrEnum

import pandas as pd

from leadgate_dagster.core.reasons import Severity
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.scoring import pre_score, truthy


class Disposition(StrEnum):
    ROUTE_SDR = "ROUTE_SDR"
    ROUTE_AE = "ROUTE_AE"
    NURTURE_EMAIL_ONLY = "NURTURE_EMAIL_ONLY"
    QUARANTINE_REVIEW = "QUARANTINE_REVIEW"
    REJECT = "REJECT"


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name] if name in df.columns else pd.Series([None] * len(df), index=df.index, dtype=object)


def allowed_channels(leads: pd.DataFrame) -> pd.Series:
    """The spec's channel thresholds: email when valid, risky (catch-all) or unknown with its reason (a DNS
    outage must not close a good address); SMS only to a mobile with SMS consent; voice to a valid number
    (DNC and voice disclosure rules arrive with the consent engine)."""
    email_ok = _col(leads, "email_status").isin(["valid", "risky", "unknown"])
    phone_ok = _col(leads, "phone_status") == "valid"
    mobile = _col(leads, "phone_type").isin(["mobile", "fixed_line_or_mobile"])
    sms_ok = phone_ok & mobile & truthy(_col(leads, "consent_sms"))
    voice_ok = phone_ok & ~_col(leads, "phone_type").isin(["pager", "premium_rate"])
    frame = pd.DataFrame({"email": email_ok, "sms": sms_ok, "voice": voice_ok}, index=leads.index)
    return frame.apply(lambda r: [c for c in ("email", "sms", "voice") if r[c]], axis=1)


def decide(leads: pd.DataFrame, *, rules: Ruleset) -> pd.DataFrame:
    """Score and dispose a batch.

    Args:
        leads: one row per lead: validation outputs (email_status, phone_status, phone_type, email_flags),
            the lead's consent fields, demo_requested, job_title, company and `reasons` (list of codes).
        rules: the active ruleset (sections `scoring` and `disposition`).

    Returns:
        Columns disposition, reason_codes, allowed_channels and the score parts of `pre_score`.
    """
    policy = rules.section("disposition")
    out = pre_score(leads, rules.section("scoring"))
    if leads.empty:
        return out.assign(disposition=pd.Series(dtype=object), reason_codes=pd.Series(dtype=object),
                          allowed_channels=pd.Series(dtype=object))
    reasons = _col(leads, "reasons").map(lambda r: list(dict.fromkeys(r or [])))
    severities = reasons.map(lambda codes: {rules.severity(c) for c in codes})
    channels = allowed_channels(leads)
    demo = truthy(_col(leads, "demo_requested"))
    reach, consent = out["score_reachability"], out["score_consent"]
    qualified = (reach >= policy["qualified_reachability"]) & (consent >= policy["qualified_consent"])
    borderline = reach.between(*policy["borderline_band"]) | consent.between(*policy["borderline_band"])

    dispositions, codes = [], []
    for i in leads.index:
        extra: list[str] = []
        sev, chans = severities[i], channels[i]
        if Severity.REJECT in sev:
            d = Disposition.REJECT
        elif Severity.QUARANTINE in sev:
            d = Disposition.QUARANTINE_REVIEW
        elif qualified[i] and demo[i] and chans:
            d = Disposition.ROUTE_AE
        elif qualified[i] and ({"sms", "voice"} & set(chans)):
            d = Disposition.ROUTE_SDR
        elif qualified[i] and "email" in chans:
            d = Disposition.NURTURE_EMAIL_ONLY
        elif borderline[i]:
            d, extra = Disposition.QUARANTINE_REVIEW, ["SCORE_BORDERLINE"]
        elif "email" in chans:
            d, extra = Disposition.NURTURE_EMAIL_ONLY, ["LOW_SCORE"]
        else:
            d, extra = Disposition.REJECT, ["NOT_QUALIFIED" if chans else "NO_ALLOWED_CHANNEL"]
        dispositions.append(d.value)
        codes.append(list(dict.fromkeys(reasons[i] + extra)))
    out["disposition"] = dispositions
    out["reason_codes"] = codes
    out["allowed_channels"] = channels
    return out
