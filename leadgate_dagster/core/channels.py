"""allowed_channels: the spec's channel thresholds, reachability and consent together.

- email: status valid, or risky with an accepted flag (catch-all), or unknown with a reason that explains it
  (a DNS outage must not close a good address); and consent permits it.
- sms: only to a valid number whose line type takes SMS, and only with SMS consent.
- voice: only to a valid number whose line type is not closed (pager, premium rate), with voice consent;
  never against a DNC entry (the consent engine has already closed it).
A channel the lead is reachable on but may not be contacted on gets its NO_<CHANNEL>_CONSENT code; when
it is closed only because the lead carries no consent data for it, the lead's consent is *unknown* there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadgate_dagster.core.columns import list_column, text
from leadgate_dagster.core.consent import ConsentResult
from leadgate_dagster.core.consent_policy import Channel
from leadgate_dagster.core.findings import Findings
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.validation.config import validation_config

_MISSING_CONSENT_CODE = {Channel.EMAIL: "NO_EMAIL_CONSENT", Channel.SMS: "NO_SMS_CONSENT",
                         Channel.VOICE: "NO_VOICE_CONSENT"}


@dataclass(frozen=True, slots=True)
class ChannelResult:
    """`allowed` (bool per channel, batch index), `channels` (the ordered list per lead) and `consent_unknown`
    (reachable on a channel that is closed only for want of consent data)."""

    allowed: pd.DataFrame
    channels: pd.Series
    findings: Findings
    consent_unknown: pd.Series


def _any_listed(lists: pd.Series, wanted: frozenset[str]) -> pd.Series:
    if not wanted:
        return pd.Series(False, index=lists.index)
    exploded = lists.explode()
    return exploded.isin(wanted).groupby(level=0).any().reindex(lists.index, fill_value=False).astype(bool)


def reachable(leads: pd.DataFrame, rules: Ruleset) -> pd.DataFrame:
    """Per channel, whether the lead's contact data passes the channel's threshold (consent aside)."""
    cfg = rules.disposition.channels
    phone_cfg = validation_config(rules).phone
    email_status = text(leads, "email_status", lower=True)
    flags = list_column(leads, "email_flags")
    reasons = list_column(leads, "reasons")
    email = (email_status.isin(list(cfg.email.statuses))
             | ((email_status == "risky") & _any_listed(flags, frozenset(cfg.email.risky_flags)))
             | ((email_status == "unknown") & _any_listed(reasons, frozenset(cfg.email.unknown_reasons))))
    phone_status = text(leads, "phone_status", lower=True)
    line = text(leads, "phone_type", lower=True)
    sms = phone_status.isin(list(cfg.sms.phone_statuses)) & line.isin(phone_cfg.sms_line_types)
    voice = (phone_status.isin(list(cfg.voice.phone_statuses))
             & ~line.isin(phone_cfg.closed_line_types))
    return pd.DataFrame({Channel.EMAIL.value: email, Channel.SMS.value: sms, Channel.VOICE.value: voice},
                        index=leads.index).astype(bool)


def allowed_channels(leads: pd.DataFrame, consent: ConsentResult, *, rules: Ruleset) -> ChannelResult:
    """The channels each lead may be contacted on, in the order email, sms, voice.

    Args:
        leads: validation outputs (email_status, email_flags, phone_status, phone_type) and `reasons`.
        consent: the batch's consent evaluation (suppressions included).
        rules: the active ruleset (`disposition.channels`, `validation.phone` line types).

    Returns:
        ChannelResult aligned with `leads.index`.
    """
    reach = reachable(leads, rules)
    findings = Findings(len(leads))
    allowed = pd.DataFrame(index=leads.index)
    for ch in Channel:
        permitted = consent.frame[f"consent_{ch.value}_permitted"]
        allowed[ch.value] = reach[ch.value] & permitted
        findings.add(_MISSING_CONSENT_CODE[ch], reach[ch.value] & ~permitted & ~consent.dnc)
    # each lead's channel set as a bit pattern, turned into its list once per distinct pattern
    bits = allowed.to_numpy(dtype=bool) @ (1 << np.arange(len(Channel)))
    names = [ch.value for ch in Channel]
    combos = {int(b): [n for i, n in enumerate(names) if int(b) >> i & 1] for b in np.unique(bits)}
    lists = [list(combos[b]) for b in bits.tolist()]
    unknown = (reach & consent.unknown[reach.columns]).any(axis=1)
    return ChannelResult(allowed=allowed, channels=pd.Series(lists, index=leads.index, dtype=object),
                         findings=findings, consent_unknown=unknown)
