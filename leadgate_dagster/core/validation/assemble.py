"""Per-lead assembly: reachable channels, the channel-level codes, and findings as ordered reasons and checks.

The field checks run per distinct value; this is the one loop per lead, so it only combines results.
"""

from __future__ import annotations

from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.validation.email import EmailResult
from leadgate_dagster.core.validation.phone import PhoneResult

Finding = tuple[str, str]

_REACHABLE = frozenset({"valid", "risky", "unknown"})
_ORDER = {code: i for i, code in enumerate(CATALOGUE)}


def channels(email: EmailResult, phone: PhoneResult,
             sms_types: frozenset[str]) -> tuple[list[str], Finding | None]:
    """(reachable channels, the reject finding when there are none).

    An email whose DNS could not be checked still counts as reachable: a DNS outage must never reject a
    good lead. With no channel at all the lead is rejected, as DISPOSABLE_ONLY_CONTACT when a disposable
    address was its only contact, else NO_REACHABLE_CHANNEL.
    """
    out: list[str] = []
    if email.status in _REACHABLE:
        out.append("email")
    if phone.status in _REACHABLE:
        out.append("phone")
        if phone.status == "valid" and phone.line_type in sms_types:
            out.append("sms")
    if out:
        return out, None
    if any(code == "EMAIL_DISPOSABLE" for code, _ in email.findings):
        return out, ("DISPOSABLE_ONLY_CONTACT", "email")
    return out, ("NO_REACHABLE_CHANNEL", "email, phone")


class Reasoner:
    """Turns findings into the `reasons` and `checks` of a lead, severities resolved once per batch."""

    def __init__(self, rules: Ruleset) -> None:
        self._severity = {code: rules.severity(code).value for code in CATALOGUE}

    def render(self, findings: list[Finding]) -> tuple[list[str], list[dict[str, str]]]:
        """(deduplicated codes in catalogue order, one check per finding in the same order)."""
        if not findings:
            return [], []
        ordered = sorted(findings, key=lambda f: _ORDER[f[0]])
        reasons: list[str] = []
        for code, _ in ordered:
            if not reasons or reasons[-1] != code:
                reasons.append(code)
        sev = self._severity
        return reasons, [{"code": c, "severity": sev[c], "detail": d} for c, d in ordered]
