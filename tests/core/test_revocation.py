"""A reviewer's decision narrowed by a revocation: channels leave, DNC rejects, no channel left rejects, an SDR
route without a phone channel becomes nurture; the reviewer's prefix stays on decided_by."""

from __future__ import annotations

import pandas as pd
import pytest

from leadgate_dagster.core.consent_policy import Channel
from leadgate_dagster.core.revocation import narrow
from leadgate_dagster.core.suppression import SuppressionHits

COLUMNS = ["lead_id", "disposition", "reason_codes", "allowed_channels", "decided_by"]


def _hits(index: list[str], dnc: bool = False, **revoked: bool) -> SuppressionHits:
    flag = {c: pd.Series(revoked.get(c.value, False), index=index) for c in Channel}
    return SuppressionHits(pd.Series(dnc, index=index), flag, {c: pd.Series(pd.NaT, index=index) for c in Channel})


@pytest.mark.parametrize(("disposition", "allowed", "hits", "want"), [
    ("ROUTE_AE", ["email", "voice"], {"voice": True}, ("ROUTE_AE", ["email"], ["CONSENT_REVOKED"])),
    ("ROUTE_SDR", ["email", "voice"], {"voice": True}, ("NURTURE_EMAIL_ONLY", ["email"], ["CONSENT_REVOKED"])),
    ("ROUTE_SDR", ["sms", "voice"], {"sms": True}, ("ROUTE_SDR", ["voice"], ["CONSENT_REVOKED"])),
    ("NURTURE_EMAIL_ONLY", ["email"], {"email": True},
     ("REJECT", [], ["CONSENT_REVOKED", "NO_ALLOWED_CHANNEL"])),
    ("ROUTE_AE", ["email"], {"dnc": True}, ("REJECT", [], ["SUPPRESSED_DNC"])),
], ids=["ae-keeps-email", "sdr-to-nurture", "sdr-keeps-voice", "nothing-left", "dnc"])
def test_narrowing(disposition: str, allowed: list[str], hits: dict[str, bool], want: tuple) -> None:
    current = pd.DataFrame([{"lead_id": "l1", "disposition": disposition, "reason_codes": ["X"],
                             "allowed_channels": allowed, "decided_by": "reviewer:kim"}], index=["l1"])
    [row] = narrow(current, _hits(["l1"], **hits), COLUMNS).to_dict("records")
    assert (row["disposition"], row["allowed_channels"], row["reason_codes"][1:]) == want
    assert row["decided_by"] == "reviewer:kim+revocation"


def test_a_revocation_of_a_channel_already_closed_changes_nothing() -> None:
    current = pd.DataFrame([{"lead_id": "l1", "disposition": "ROUTE_AE", "reason_codes": [],
                             "allowed_channels": ["email"], "decided_by": "reviewer:kim+revocation"}], index=["l1"])
    assert narrow(current, _hits(["l1"], voice=True), COLUMNS).empty
