"""Address structure: country to ISO 3166 (pycountry), postal code per country, locality, US street parsing.

The QA-gate threshold is "postal code and mappable locality where an address is given"; an address with
none of street, city, region or postal code is simply missing (a country alone is not an address).
usaddress runs only for US streets and once per distinct street line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from leadgate_dagster.core.rules.validation import AddressChecks
from leadgate_dagster.core.validation import data

Finding = tuple[str, str]


@dataclass(frozen=True, slots=True)
class AddressResult:
    country_iso2: str | None
    postal_code: str | None
    status: str  # valid / partial / invalid / missing
    street_parsed: dict[str, str] | None
    findings: tuple[Finding, ...]


@lru_cache(maxsize=20_000)
def country_iso2(text: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country as people write it ("usa", "Deutschland", "GBR"), or None."""
    key = text.strip().lower().replace(".", "").strip()
    if not key:
        return None
    alias = data.country_aliases().get(key)
    if alias:
        return alias
    import pycountry

    try:
        return str(pycountry.countries.lookup(key).alpha_2)
    except LookupError:
        return None


@lru_cache(maxsize=64)
def _pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


def normalize_postal(code: str, iso2: str | None, zero_pad_us: bool) -> tuple[str, bool]:
    """(normalized code, matches the country's format or the generic rule)."""
    rules = data.postal_rules()
    text = re.sub(r"\s+", " ", code.upper()).strip()
    rule = rules["countries"].get(iso2 or "")
    if rule is None:
        ok = len(text) <= rules["generic_max_chars"] and bool(_pattern(rules["generic"]).fullmatch(text))
        return text, ok
    if rule["normalize"] == "strip_spaces":
        text = text.replace(" ", "")
        if iso2 == "US":
            if zero_pad_us and re.fullmatch(r"\d{3,4}", text):
                text = text.zfill(5)
            if re.fullmatch(r"\d{9}", text):
                text = f"{text[:5]}-{text[5:]}"
    elif rule["normalize"] == "space_before_last3":
        text = text.replace(" ", "")
        text = f"{text[:-3]} {text[-3:]}" if len(text) > 3 else text
    return text, bool(_pattern(rule["pattern"]).fullmatch(text))


@lru_cache(maxsize=100_000)
def parse_us_street(street: str) -> dict[str, str] | None:
    """usaddress labels of a US street line, or None when it has no number and street name."""
    import usaddress

    try:
        tagged, kind = usaddress.tag(street)
    except usaddress.RepeatedLabelError:
        return None
    except Exception:
        return None
    parsed: dict[str, str] = {str(k): str(v) for k, v in tagged.items()}
    if kind == "Street Address" and ("AddressNumber" not in parsed or "StreetName" not in parsed):
        return None
    if kind == "Ambiguous":
        return None
    parsed["address_type"] = str(kind)
    return parsed


def check_address(fields: tuple[Any, ...], rules: AddressChecks, default_region: str | None) -> AddressResult:
    """Judge one lead's address.

    Args:
        fields: cleaned (street, city, region, postal_code, country) of one lead.
        rules: the ruleset's address rules.
        default_region: the country assumed for a postal code given without a country.

    Returns:
        Country, normalized postal code, status, parsed US street and findings.
    """
    street, city, region, postal, country = fields
    findings: list[Finding] = []
    iso2 = country_iso2(country) if country else None
    if not (street or city or region or postal):
        return AddressResult(iso2, None, "missing", None, ())
    if country and iso2 is None:
        findings.append(("ADDRESS_COUNTRY_UNKNOWN", "country"))
    rule_country = iso2 or (default_region if country is None else None)
    if country is None:
        findings.append(("ADDRESS_COUNTRY_MISSING", "country"))
    status = "valid"
    postal_norm = None
    if postal:
        postal_norm, ok = normalize_postal(postal, rule_country, rules.us_zip_zero_pad)
        if rules.check_postal and not ok:
            findings.append(("ADDRESS_POSTAL_INVALID", rule_country or "generic"))
            status = "invalid"
    elif rules.require_postal and (rule_country or "") not in data.postal_rules()["no_postal_codes"]:
        findings.append(("ADDRESS_POSTAL_MISSING", "postal_code"))
        status = "partial" if status == "valid" else status
    if rules.require_locality and not city:
        findings.append(("ADDRESS_LOCALITY_MISSING", "city"))
        status = "partial" if status == "valid" else status
    if iso2 is None and country:
        status = "invalid"
    parsed = None
    if street and rules.parse_us_street and rule_country == "US":
        parsed = parse_us_street(street)
        if parsed is None:
            findings.append(("ADDRESS_STREET_UNPARSED", "street"))
    return AddressResult(iso2, postal_norm, status, parsed, tuple(findings))
