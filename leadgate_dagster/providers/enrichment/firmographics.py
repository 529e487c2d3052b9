"""Firmographics by company domain: size band, industry, revenue band, country (the ICP-fit inputs).

Key: the registrable company domain (`company_domain`, lowercased, no "www."). The offline provider reads
`firmographics_sample.csv`, a SAMPLE table of ~150 companies shipped for the demo and tests (see
`leadgate_dagster/data/README.md`): its figures are approximate and not maintained, so production runs set
`mode: http`. Vendors answer with head counts and revenue in USD or with their own bands; both are mapped
onto the bands below so the scoring rules see one vocabulary.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadgate_dagster.providers.enrichment.base import OfflineProvider
from leadgate_dagster.providers.enrichment.shipped import firmographics_sample

KIND = "firmographics"
SIZE_BANDS: tuple[tuple[int, str], ...] = (
    (10, "1-10"), (50, "11-50"), (200, "51-200"), (500, "201-500"), (1000, "501-1000"),
    (5000, "1001-5000"), (10000, "5001-10000"))
SIZE_TOP = "10001+"
REVENUE_BANDS: tuple[tuple[float, str], ...] = (
    (1e6, "<1M"), (10e6, "1M-10M"), (50e6, "10M-50M"), (100e6, "50M-100M"), (500e6, "100M-500M"),
    (1e9, "500M-1B"), (10e9, "1B-10B"))
REVENUE_TOP = "10B+"


def size_band(employees: int) -> str:
    """The head-count band of `employees` (upper bounds inclusive)."""
    return next((band for top, band in SIZE_BANDS if employees <= top), SIZE_TOP)


def revenue_band(usd: float) -> str:
    """The annual-revenue band of `usd` (upper bounds exclusive)."""
    return next((band for top, band in REVENUE_BANDS if usd < top), REVENUE_TOP)


def domain_key(domain: str | None) -> str | None:
    """The lookup key of a company domain, or None."""
    if not domain or not domain.strip():
        return None
    return domain.strip().lower().rstrip(".").removeprefix("www.")


def neutral_value(key: str) -> dict[str, Any]:
    return {"company": None, "industry": None, "size_band": None, "revenue_band": None, "country": None}


class OfflineFirmographics(OfflineProvider):
    """The shipped sample table; a domain it does not list is a miss (no signal, not a bad lead)."""

    kind = KIND

    def __init__(self) -> None:
        firmographics_sample()  # loaded now, not inside a batch's deadline

    def neutral(self, key: str) -> dict[str, Any]:
        return neutral_value(key)

    def answer(self, key: str) -> dict[str, Any] | None:
        row = firmographics_sample().get(key)
        if row is None:
            return None
        return {"company": row["company"], "industry": row["industry"], "size_band": row["size_band"],
                "revenue_band": row["revenue_band"], "country": row["country"], "sample": True,
                "basis": row["basis"]}


def parse_http(key: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A vendor's answer: bands as given, or computed from `employees` and `revenue_usd`."""
    size = raw.get("size_band")
    if size is None and raw.get("employees") is not None:
        size = size_band(int(raw["employees"]))
    revenue = raw.get("revenue_band")
    if revenue is None and raw.get("revenue_usd") is not None:
        revenue = revenue_band(float(raw["revenue_usd"]))
    country = raw.get("country")
    return {"company": raw.get("name") or raw.get("company"), "industry": raw.get("industry"),
            "size_band": size, "revenue_band": revenue, "country": str(country).upper() if country else None,
            "sample": False}
