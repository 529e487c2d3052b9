"""Phone intelligence: line type and carrier per E.164 number, the reachability facts for SMS and voice.

Key: the E.164 number (`phone_e164`). Line types use phonenumbers' names, the same ones the validation
engine writes to `phone_type` (mobile, fixed_line, fixed_line_or_mobile, voip, toll_free, premium_rate,
pager ...), so the ruleset's `sms_line_types` / `closed_line_types` apply to either. Offline, the answer comes
from phonenumbers' metadata, carrier and time-zone tables (the carrier is the range's original operator:
numbers ported since are not seen; `ported` is then null). Not its geocoder: loading it costs every run's fresh
process ≈0.4 s, and nothing downstream reads a place name (`location` stays null offline; a vendor may give
one). Vendors' line-type names are mapped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadgate_dagster.core.validation.phone_numbers import ParsedNumber, parse_number
from leadgate_dagster.providers.enrichment.base import OfflineProvider

KIND = "phone_intel"

LINE_TYPES: dict[str, str] = {
    "mobile": "mobile", "wireless": "mobile", "cell": "mobile", "cellular": "mobile",
    "landline": "fixed_line", "fixed_line": "fixed_line", "fixed": "fixed_line",
    "fixed_line_or_mobile": "fixed_line_or_mobile", "voip": "voip", "fixedvoip": "voip",
    "nonfixedvoip": "voip", "non_fixed_voip": "voip", "fixed_voip": "voip", "toll_free": "toll_free",
    "tollfree": "toll_free", "premium": "premium_rate", "premium_rate": "premium_rate", "pager": "pager",
    "shared_cost": "shared_cost", "personal_number": "personal_number", "uan": "uan",
    "voicemail": "voicemail", "unknown": "unknown",
}


def neutral_value(key: str) -> dict[str, Any]:
    return {"line_type": "unknown", "carrier": None, "active": None}


class OfflinePhoneIntel(OfflineProvider):
    """phonenumbers' shipped tables: validity, line type, original carrier, region, time zone."""

    kind = KIND

    def neutral(self, key: str) -> dict[str, Any]:
        return neutral_value(key)

    def answer(self, key: str) -> dict[str, Any] | None:
        if not key.startswith("+"):
            return None
        parsed = parse_number(key, None)
        if not isinstance(parsed, ParsedNumber):
            return None
        f = parsed.facts
        return {"valid": f.valid, "line_type": f.line_type, "carrier": f.carrier, "region": f.region,
                "location": None, "time_zone": f.time_zone, "active": None, "ported": None}


def parse_http(key: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A vendor's answer: line type (mapped), carrier, and whether the line is active/ported if it says."""
    name = str(raw.get("line_type") or raw.get("type") or "unknown").strip().lower().replace("-", "_")
    carrier = raw.get("carrier")
    if isinstance(carrier, Mapping):
        carrier = carrier.get("name")
    return {"valid": bool(raw.get("valid", True)), "line_type": LINE_TYPES.get(name, "unknown"),
            "carrier": carrier or None, "region": raw.get("country") or raw.get("region"),
            "location": raw.get("location"), "time_zone": raw.get("time_zone"),
            "active": raw.get("active"), "ported": raw.get("ported")}
