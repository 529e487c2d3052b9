"""Where a lead sits for territory rules: country, region, postal code and segments, read the way eligibility
and ICP fit read them (core.firmographics), so a lead cannot be "in Texas" for licensing and not for routing."""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
import pycountry

from leadgate_dagster.core.columns import text, text_values
from leadgate_dagster.core.firmographics import key_of, lead_country, size_band
from leadgate_dagster.core.ruleset import Ruleset

_CODE = re.compile(r"^([A-Z]{2})-([A-Z0-9]{1,3})$")
_POSTAL_NOISE = re.compile(r"[\s-]+")


@lru_cache(maxsize=256)
def subdivisions(country: str) -> dict[str, str]:
    """A country's subdivisions: code and name (lower case) -> code without the country part."""
    table: dict[str, str] = {}
    for sub in pycountry.subdivisions.get(country_code=country) or []:  # type: ignore[no-untyped-call]
        code = sub.code.split("-", 1)[1]
        table[code.lower()] = code
        table[sub.name.lower()] = code
    return table


def region_key(country: str | None, region: str | None) -> str | None:
    """"US-CA" for ("US", "California"), ("US", "ca") or (None, "us-ca"); a region no table knows stays as given,
    upper-cased and prefixed with its country when there is one."""
    if not region or not region.strip():
        return None
    value = " ".join(region.split())
    if m := _CODE.match(value.upper()):
        return f"{m[1]}-{m[2]}"
    if not country:
        return value.upper()
    code = subdivisions(country).get(value.lower())
    return f"{country}-{code or value.upper()}"


def postal_key(value: str | None) -> str | None:
    """A postal code or prefix as compared: upper case, spaces and hyphens dropped ("sw1a 1aa" -> "SW1A1AA")."""
    if not value:
        return None
    return _POSTAL_NOISE.sub("", value).upper() or None


def lead_segments(leads: pd.DataFrame, rules: Ruleset) -> list[frozenset[str]]:
    """Per lead, the ruleset's segments (`routing.segments`) its size band or industry falls in; a lead
    matched to an account with a segment (`account_segment`) is in that one alone."""
    band = size_band(leads, rules.scoring.fit.size_bands).tolist()
    industry = [key_of(i) if i else None for i in text_values(leads, "industry")]
    specs = {name: (frozenset(s.size_bands), frozenset(key_of(i) for i in s.industries))
             for name, s in rules.routing.segments.items()}
    keys = list(zip(band, industry, strict=True))
    found = {k: frozenset(n for n, (bands, inds) in specs.items() if k[0] in bands or k[1] in inds)
             for k in set(keys)}  # per distinct (band, industry), not per lead
    account = text_values(leads, "account_segment")
    return [frozenset([a]) if a else found[k] for k, a in zip(keys, account, strict=True)]


def lead_places(leads: pd.DataFrame, rules: Ruleset) -> pd.DataFrame:
    """country (ISO alpha-2), region (core.routing.places.region_key), postal (postal_key) and segments (a
    frozenset) per lead, with the batch's index."""
    country = lead_country(leads)
    regions = text(leads, "region")
    pairs = list(zip(country, regions, strict=True))
    keys = {p: region_key(*p) for p in set(pairs)}
    postal = text(leads, "postal_code")
    postal_keys = {v: postal_key(v) for v in set(postal.dropna())}
    return pd.DataFrame({
        "country": country,
        "region": [keys[p] for p in pairs],
        "postal": [postal_keys.get(v) if v else None for v in postal],
        "segments": lead_segments(leads, rules),
    }, index=leads.index)
