"""Lead attributes read the same way by eligibility, ICP fit and the model: country, US state, size band,
category keys. One reading everywhere, so a lead cannot be "in Texas" for licensing and not for territory."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pycountry

from leadgate_dagster.core.columns import column, text

_NON_WORD = re.compile(r"[^a-z0-9]+")
_NUMBER = re.compile(r"\d[\d,.]*")


def category_key(values: pd.Series) -> pd.Series:
    """Category text as a key: "Financial Services" and "financial-services" both read financial_services."""
    present = values.dropna()
    lookup = {v: _NON_WORD.sub("_", str(v).strip().lower()).strip("_") or None for v in present.unique()}
    return values.map(lookup).astype(object).where(values.notna(), None)


def key_of(value: Any) -> str:
    """One ruleset key normalized like `category_key` (so YAML may say "Financial Services")."""
    return _NON_WORD.sub("_", str(value).strip().lower()).strip("_")


def lead_country(leads: pd.DataFrame) -> pd.Series:
    """ISO alpha-2 country: the validated country, else a two-letter `country` value, else the phone's region."""
    raw = text(leads, "country").str.upper()
    two_letter = raw.where(raw.fillna("").str.fullmatch(r"[A-Z]{2}"), None)
    out = text(leads, "country_iso2").str.upper()
    out = out.where(out.notna(), two_letter)
    region = text(leads, "phone_region").str.upper()
    return out.where(out.notna(), region).astype(object).where(lambda s: s.notna(), None)


@lru_cache(maxsize=1)
def _us_states() -> dict[str, str]:
    table: dict[str, str] = {}
    for sub in pycountry.subdivisions.get(country_code="US") or []:  # type: ignore[no-untyped-call]
        code = sub.code.split("-", 1)[1]
        table[code.lower()] = code
        table[sub.name.lower()] = code
    return table


def us_state(leads: pd.DataFrame, country: pd.Series) -> pd.Series:
    """Two-letter US state (or DC / territory) code of US leads, from `region` as code or name; else None."""
    region = text(leads, "region", lower=True)
    state = region.map(_us_states()).astype(object)
    return state.where(state.notna() & (country == "US"), None)


def _count(value: Any) -> float:
    """Lower bound of an employee count: 250 -> 250, "51-200" -> 51, "1,001+" -> 1001, "" -> NaN."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, (int, float)):
        return float(value)
    match = _NUMBER.search(str(value))
    return float(match.group().replace(",", "").rstrip(".")) if match else np.nan


def size_band(leads: pd.DataFrame, bands: Sequence[Sequence[Any]]) -> pd.Series:
    """Company size band: `company_size_band` when given (enrichment), else from `employee_count` with the
    ruleset's bands ([lower bound, label], ascending); None when neither says."""
    given = text(leads, "company_size_band")
    raw = column(leads, "employee_count")
    counts = raw.map({v: _count(v) for v in raw.dropna().unique()}).astype(float)
    lower = np.array([float(b[0]) for b in bands])
    labels = np.array([str(b[1]) for b in bands], dtype=object)
    idx = np.searchsorted(lower, counts.fillna(-1).to_numpy(), side="right") - 1
    derived = np.where((idx >= 0) & counts.notna().to_numpy(), labels[np.clip(idx, 0, None)], None)
    return given.fillna(pd.Series(derived, index=leads.index, dtype=object)).astype(object)


def seniority_department(leads: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(seniority, department): the given columns (enrichment, validation) when present, else classified from
    `job_title`. A title that names no department reads "other": known, just not a listed department."""
    from leadgate_dagster.core.validation.company import classify_title

    titles = text(leads, "job_title")
    classified = {t: classify_title(t) for t in titles.dropna().unique()}
    seniority = titles.map({t: c[0] for t, c in classified.items()}).astype(object)
    department = titles.map({t: c[1] or "other" for t, c in classified.items()}).astype(object)
    if "seniority" in leads.columns:
        seniority = text(leads, "seniority", lower=True)
    if "department" in leads.columns:
        department = text(leads, "department", lower=True).where(
            text(leads, "department").notna() | titles.isna(), "other")
    return seniority.where(seniority.notna(), None), department.where(department.notna(), None)
