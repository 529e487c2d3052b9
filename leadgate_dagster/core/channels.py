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
from typing import Any

import numpy as np
import pandas as pd

from leadgate_dagster.core.columns import list_values, member, text_values
from leadgate_dagster.core.consent import ConsentResult
from leadgate_dagster.core.consent_policy import Channel
from leadgate_dagster.core.findings import Findings
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.validation.config import validation_config

_MISSING_CONSENT_CODE = {Channel.EMAIL: "NO_EMAIL_CONSENT", Channel.SMS: "NO_SMS_CONSENT",
                         Channel.VOICE: "NO_VOICE_CONSENT"}


@dataclass(frozen=True, slots=True)
class ChannelResult:
    """`allowed` (bool per channel, batch index), `reachable` (the same, consent aside), `channels` (the ordered
    list per lead) and `consent_unknown` (reachable on a channel that is closed only for want of consent data)."""

    allowed: pd.DataFrame
    reachable: pd.DataFrame
    channels: pd.Series
    findings: Findings
    consent_unknown: pd.Series


def _any_listed(lists: list[Any], wanted: frozenset[str]) -> np.ndarray:
    return np.fromiter((not wanted.isdisjoint(v) for v in lists), dtype=bool, count=len(lists))


def reachable(leads: pd.DataFrame, rules: Ruleset) -> pd.DataFrame:
    """Per channel, whether the lead's contact data passes the channel's threshold (consent aside)."""
    cfg = rules.disposition.channels
    phone_cfg = validation_config(rules).phone
    email_status = text_values(leads, "email_status", lower=True)
    email = (member(email_status, cfg.email.statuses)
             | ((email_status == "risky")
                & _any_listed(list_values(leads, "email_flags"), frozenset(cfg.email.risky_flags)))
             | ((email_status == "unknown")
                & _any_listed(list_values(leads, "reasons"), frozenset(cfg.email.unknown_reasons))))
    phone_status = text_values(leads, "phone_status", lower=True)
    line = text_values(leads, "phone_type", lower=True)
    sms = member(phone_status, cfg.sms.phone_statuses) & member(line, phone_cfg.sms_line_types)
    voice = member(phone_status, cfg.voice.phone_statuses) & ~member(line, phone_cfg.closed_line_types)
    return pd.DataFrame({Channel.EMAIL.value: email, Channel.SMS.value: sms, Channel.VOICE.value: voice},
                        index=leads.index, dtype=bool)


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
    dnc = consent.dnc.to_numpy(dtype=bool)
    allowed: dict[str, np.ndarray] = {}
    for ch in Channel:
        permitted = consent.frame[f"consent_{ch.value}_permitted"].to_numpy(dtype=bool)
        can = reach[ch.value].to_numpy(dtype=bool)
        allowed[ch.value] = can & permitted
        findings.add(_MISSING_CONSENT_CODE[ch], can & ~permitted & ~dnc)
    # each lead's channel set as a bit pattern, turned into its list once per distinct pattern
    names = [ch.value for ch in Channel]
    bits = np.column_stack([allowed[n] for n in names]) @ (1 << np.arange(len(Channel)))
    combos = {int(b): [n for i, n in enumerate(names) if int(b) >> i & 1] for b in np.unique(bits)}
    lists = [list(combos[b]) for b in bits.tolist()]
    unknown = (reach.to_numpy(dtype=bool) & consent.unknown[reach.columns].to_numpy(dtype=bool)).any(axis=1)
    return ChannelResult(allowed=pd.DataFrame(allowed, index=leads.index, dtype=bool), reachable=reach,
                         channels=pd.Series(lists, index=leads.index, dtype=object), findings=findings,
                         consent_unknown=pd.Series(unknown, index=leads.index, dtype=bool))
