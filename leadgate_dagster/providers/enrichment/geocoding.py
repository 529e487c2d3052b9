"""Geocoding: postal code -> locality, region, lat/lon, time zone, for territory routing and call windows.

Key: "<ISO2>:<postal code>" as the validation engine normalizes it (`postal_key`). Offline, the US comes from
the `zipcodes` package (every ZIP, with its centroid and time zone); CA, GB, DE, FR, AU and IN from the
shipped `postal_centroids.csv`, a small curated table of postal areas/districts and their main locality, so
the answer there is as precise as its `precision` field says (a district or area, never a street).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from string import ascii_uppercase
from typing import Any

from leadgate_dagster.core.provider_results import ProviderResult
from leadgate_dagster.providers.enrichment.base import OfflineProvider, distinct
from leadgate_dagster.providers.enrichment.shipped import postal_centroids, us_zip, us_zip_index

KIND = "geocoding"
US_INDEX_FROM = 2000  # distinct US keys from which building the whole ZIP index (~1 s) beats ~1 ms per key
OUTWARD_COUNTRIES = frozenset({"GB", "CA"})  # alphanumeric codes: match the outward part, then the area


def postal_key(country_iso2: str | None, postal_code: str | None) -> str | None:
    """The lookup key of a lead's postal code, or None when either part is missing."""
    if not country_iso2 or not postal_code or not postal_code.strip():
        return None
    return f"{country_iso2.strip().upper()}:{' '.join(postal_code.upper().split())}"


def split_key(key: str) -> tuple[str, str]:
    country, _, code = key.partition(":")
    return country.upper(), code.replace(" ", "").upper()


def _us(code: str) -> dict[str, Any] | None:
    zip5 = code.split("-", 1)[0]
    if len(zip5) == 4 and zip5.isdigit():  # a spreadsheet dropped the leading zero
        zip5 = "0" + zip5
    z = us_zip(zip5)
    if z is None:
        return None
    return {"country": "US", "locality": z["city"], "region": z["state"], "lat": float(z["lat"]),
            "lon": float(z["long"]), "time_zone": z.get("timezone") or None, "precision": "postal_code"}


def _candidates(country: str, code: str) -> list[str]:
    """Prefixes of `code` to try, most precise first."""
    if country in OUTWARD_COUNTRIES:
        outward = code[:-3] if len(code) > 3 else code
        letters = len(outward) - len(outward.lstrip(ascii_uppercase))
        area = outward[:letters] if country == "GB" else code[:1]
        return list(dict.fromkeys([code, outward, area]))
    return [code[:n] for n in range(len(code), 0, -1)]


def _from_table(country: str, code: str) -> dict[str, Any] | None:
    table = postal_centroids().get(country)
    if not table:
        return None
    for prefix in _candidates(country, code):
        row = table.get(prefix)
        if row is not None:
            return {"country": country, "locality": row["locality"] or None, "region": row["region"],
                    "lat": float(row["lat"]), "lon": float(row["lon"]), "time_zone": row["time_zone"],
                    "precision": row["level"]}
    return None


def neutral_value(key: str) -> dict[str, Any]:
    return {"country": split_key(key)[0] or None, "locality": None, "region": None, "lat": None, "lon": None,
            "time_zone": None, "precision": None}


class OfflineGeocoding(OfflineProvider):
    """`zipcodes` for the US, the shipped centroid table for CA, GB, DE, FR, AU, IN; a miss elsewhere."""

    kind = KIND
    # Cached like an HTTP provider's answers: the first `zipcodes` lookup in a process loads its table (≈0.5 s,
    # and every batch run is a fresh process), so postal codes seen before are answered from Postgres instead.
    cacheable = True
    ttl = timedelta(days=365)
    miss_ttl = timedelta(days=30)

    def lookup(self, keys: Sequence[str], *, deadline: float | None = None) -> dict[str, ProviderResult]:
        """All keys; a batch with many distinct US keys builds the whole ZIP index first."""
        if sum(1 for k in distinct(keys) if k.startswith("US:")) >= US_INDEX_FROM:
            us_zip_index()
        return super().lookup(keys, deadline=deadline)

    def neutral(self, key: str) -> dict[str, Any]:
        return neutral_value(key)

    def answer(self, key: str) -> dict[str, Any] | None:
        country, code = split_key(key)
        if not code:
            return None
        return _us(code) if country == "US" else _from_table(country, code)


def parse_http(key: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A geocoder's answer in our vocabulary; a missing coordinate is malformed (ValueError/KeyError)."""
    return {"country": str(raw.get("country") or split_key(key)[0]).upper(),
            "locality": raw.get("locality") or raw.get("city"),
            "region": raw.get("region") or raw.get("state"),
            "lat": float(raw["lat"]), "lon": float(raw.get("lon", raw.get("lng"))),
            "time_zone": raw.get("time_zone") or raw.get("timezone"), "precision": raw.get("precision")
            or "postal_code"}
