"""Phone policy: parse with the lead's region, then leadgate's rules on line type and fake numbers.

The facts (E.164, validity, line type, carrier, time zone) come from phonenumbers' offline data through
`phone_numbers`; this module decides what they mean for a lead: pagers and premium-rate numbers close the
phone channel, obvious fakes and fictional ranges are invalid, a merely possible number is risky.
"""

from __future__ import annotations

from dataclasses import dataclass

from leadgate_dagster.core.validation.config import ValidationConfig
from leadgate_dagster.core.validation.phone_numbers import ParsedNumber, parse_number

Finding = tuple[str, str]

_CLOSING_CODES = {"pager": "PHONE_PAGER", "premium_rate": "PHONE_PREMIUM_RATE"}
_ASC = "01234567890123456789"
_DESC = _ASC[::-1]


@dataclass(frozen=True, slots=True)
class PhoneResult:
    e164: str | None
    status: str  # valid / invalid / risky / unknown / missing
    line_type: str | None
    region: str | None
    carrier: str | None
    time_zone: str | None
    findings: tuple[Finding, ...]


MISSING = PhoneResult(None, "missing", None, None, None, None, ())
def _failed(status: str, finding: Finding) -> PhoneResult:
    return PhoneResult(None, status, None, None, None, None, (finding,))


STATUS_RANK = {"valid": 0, "risky": 1, "unknown": 2, "invalid": 3, "missing": 4}


class PhoneChecker:
    """Judges phone fields against one ruleset."""

    def __init__(self, cfg: ValidationConfig) -> None:
        self._rules = cfg.phone

    def fake_pattern(self, national: str) -> bool:
        """All the same digit, or a run like 1234567 / 7654321, in the last `fake_tail_digits` digits."""
        tail = national[-self._rules.fake_tail_digits:]
        if len(tail) < min(self._rules.fake_tail_digits, 6):
            return False
        return len(set(tail)) == 1 or tail in _ASC or tail in _DESC or national in _ASC

    def fictional(self, parsed: ParsedNumber) -> bool:
        """NANP 555-0100..0199 and the ruleset's reserved E.164 prefixes."""
        n = parsed.national
        if (self._rules.nanp_fictional_555 and parsed.country_code == 1 and len(n) == 10
                and n[3:6] == "555" and n[6:8] == "01"):
            return True
        prefixes = self._rules.fictional_prefixes
        return bool(prefixes) and parsed.e164.startswith(prefixes)

    def check(self, text: str | None, region: str | None, field: str) -> PhoneResult:
        """The verdict on one cleaned phone field read with `region` (None: no country known)."""
        if text is None:
            return MISSING
        parsed = parse_number(text, region)
        if isinstance(parsed, str):
            if region is None and not text.lstrip().startswith(("+", "00")):
                return _failed("unknown", ("PHONE_REGION_UNKNOWN", field))
            return _failed("invalid", ("PHONE_INVALID", f"{field}: {parsed}"))
        f = parsed.facts
        findings: list[Finding] = []
        status = "valid"
        if not f.possible:
            return _failed("invalid", ("PHONE_INVALID", f"{field}: impossible length"))
        if not f.valid:
            findings.append(("PHONE_POSSIBLE_ONLY", field))
            status = self._rules.possible_only_status
        if self.fictional(parsed):
            findings.append(("PHONE_FICTIONAL", field))
            status = "invalid"
        elif self.fake_pattern(parsed.national):
            findings.append(("PHONE_FAKE_PATTERN", field))
            status = "invalid"
        if f.line_type in self._rules.closed_line_types:
            findings.append((_CLOSING_CODES.get(f.line_type, "PHONE_INVALID"), f"{field}: {f.line_type}"))
            status = "invalid"
        return PhoneResult(parsed.e164, status, f.line_type, f.region, f.carrier, f.time_zone,
                           tuple(findings))


def pick_phone(phone: PhoneResult, mobile: PhoneResult) -> tuple[PhoneResult, PhoneResult | None]:
    """(the number to use, the other one when it was given but is worse).

    The better status wins; on a tie the mobile column wins, since it is the one that can take SMS.
    """
    if mobile is MISSING:
        return phone, None
    if phone is MISSING:
        return mobile, None
    if STATUS_RANK[mobile.status] <= STATUS_RANK[phone.status]:
        return mobile, phone
    return phone, mobile
