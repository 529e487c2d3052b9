"""Revocations that reach leads already decided: which behaviour events revoke which channel, and how a
reviewer's decision is narrowed rather than overturned.

A machine decision is simply decided again (`qualify_leads` reads the suppression list), so a revoked channel
closes and the disposition follows the ruleset's precedence. A reviewer's decision stands, narrowed: the
revoked channels leave `allowed_channels`, a DNC entry rejects (SUPPRESSED_DNC), a lead left with no channel
is rejected (NO_ALLOWED_CHANNEL), an SDR route left without SMS and voice becomes email nurture.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from leadgate_dagster.core.consent_policy import Channel
from leadgate_dagster.core.suppression import SuppressionHits

# behaviour event type -> the channel it revokes (an opt-out on the suppression list, dated when it happened)
REVOKING_EVENTS = {"unsubscribe": Channel.EMAIL, "sms_stop": Channel.SMS, "email_hard_bounce": Channel.EMAIL}
HARD_BOUNCE = "email_hard_bounce"  # also marks the address invalid (email_status), so no score counts it
PHONE_CHANNELS = frozenset({Channel.SMS.value, Channel.VOICE.value})
NARROWED_SUFFIX = "+revocation"  # a reviewer's decided_by keeps its prefix: re-scores still leave it alone


def narrow(current: pd.DataFrame, hits: SuppressionHits, columns: Sequence[str]) -> pd.DataFrame:
    """The new decisions of the reviewer-decided leads in `current` (index aligned with `hits`) that a
    revocation changes; unchanged leads are left out.

    Args:
        current: their current dispositions (`columns`, plus whatever else).
        hits: the suppression entries matched against those leads.
        columns: the columns a recorded disposition has (dispositions.COLUMNS without is_current).

    Returns:
        One row per changed lead, `columns` only.
    """
    rows = []
    for lead, row in current.iterrows():
        allowed = list(row["allowed_channels"])
        dnc = bool(hits.dnc.get(lead, False))
        kept = [] if dnc else [c for c in allowed if not hits.revoked[Channel(c)].get(lead, False)]
        if kept == allowed and not dnc:
            continue
        codes = list(row["reason_codes"])
        disposition = row["disposition"]
        codes.append("SUPPRESSED_DNC" if dnc else "CONSENT_REVOKED")
        if dnc:
            disposition = "REJECT"
        elif not kept and disposition != "REJECT":
            disposition = "REJECT"
            codes.append("NO_ALLOWED_CHANNEL")
        elif disposition == "ROUTE_SDR" and not PHONE_CHANNELS & set(kept):
            disposition = "NURTURE_EMAIL_ONLY"
        by = str(row["decided_by"])
        rows.append({**row.to_dict(), "disposition": disposition, "allowed_channels": kept,
                     "reason_codes": list(dict.fromkeys(codes)),
                     "decided_by": by if by.endswith(NARROWED_SUFFIX) else by + NARROWED_SUFFIX})
    return pd.DataFrame(rows, columns=list(columns))
