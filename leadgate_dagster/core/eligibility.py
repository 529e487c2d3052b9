"""Eligibility: may we offer this product to this lead at all (geography, licensing, age, product fit, partner
contract)? Consent says whether we may *contact* someone; this says whether there is anything to sell them.

Everything is ruleset data (`eligibility:`); partner daily caps need the counts already accepted today, which
only the store knows, so they come in as a DataFrame (partner_id, accepted_today).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from leadgate_dagster.core.columns import as_utc, column, parse_times, text
from leadgate_dagster.core.findings import Findings
from leadgate_dagster.core.firmographics import category_key, key_of, lead_country, size_band, us_state
from leadgate_dagster.core.rules.eligibility import EligibilityRules, Exclusions, ProductRules
from leadgate_dagster.core.ruleset import Ruleset

INELIGIBLE_CODES = ("GEO_INELIGIBLE", "UNDERAGE", "LICENSE_MISSING", "PRODUCT_EXCLUDED",
                    "PARTNER_CRITERIA_FAILED", "PARTNER_CAP_EXCEEDED")
UNKNOWN_CODES = ("GEO_UNKNOWN", "AGE_UNVERIFIED")
# a date of birth giving an age outside this range is a typo, not a person
_PLAUSIBLE_AGE = (0, 130)


class EligibilityState(StrEnum):
    ELIGIBLE = "eligible"
    UNKNOWN = "unknown"  # a rule applies that the lead's data cannot settle (no country, no date of birth)
    INELIGIBLE = "ineligible"


@dataclass(frozen=True, slots=True)
class EligibilityResult:
    """`frame` (batch index): eligibility_state, country, us_state, age, product, size_band; `findings`."""

    frame: pd.DataFrame
    findings: Findings


def _upper(values: Iterable[str]) -> list[str]:
    return [v.upper() for v in values]


def _per_product(product: pd.Series, products: dict[str, ProductRules], key: str) -> pd.Series:
    """A product setting per lead (None where the lead names no configured product)."""
    return product.map({name: getattr(spec, key) for name, spec in products.items()}).astype(object)


def _age(leads: pd.DataFrame, now: pd.Timestamp) -> pd.Series:
    dob = parse_times(column(leads, "date_of_birth"))
    birthday_passed = (dob.dt.month < now.month) | ((dob.dt.month == now.month) & (dob.dt.day <= now.day))
    age = now.year - dob.dt.year - (~birthday_passed).astype(int)
    return age.where(dob.notna() & age.between(*_PLAUSIBLE_AGE)).astype(float)


def evaluate_eligibility(leads: pd.DataFrame, *, rules: Ruleset, partner_counts: pd.DataFrame | None = None,
                         as_of: pd.Timestamp | None = None) -> EligibilityResult:
    """Eligibility of every lead of a batch.

    Args:
        leads: one row per lead: country_iso2 / country / phone_region, region, date_of_birth,
            product_interest, industry, company_size_band / employee_count, partner_id and the partner's
            required fields. In batch order: partner caps are filled first come, first served.
        rules: the active ruleset (`eligibility:`, and `scoring.fit.size_bands` for size bands).
        partner_counts: leads already accepted today per partner (partner_id, accepted_today); None: zero.
        as_of: decision time for ages; None means now.

    Returns:
        EligibilityResult aligned with `leads.index`.
    """
    cfg = rules.eligibility
    geo = cfg.geography
    products = {key_of(k): v for k, v in cfg.products.items()}
    f = Findings(len(leads))
    country = lead_country(leads)
    state = us_state(leads, country)
    product = category_key(text(leads, "product_interest"))
    band = size_band(leads, rules.scoring.fit.size_bands)
    industry = category_key(text(leads, "industry"))
    known = country.notna()

    allow = _upper(geo.allow_countries)
    product_geo, outside_product_geo, needs_license, unlicensed = _product_geography(products, product, country,
                                                                                     state)
    denied = known & (country.isin(_upper(geo.deny_countries))
                      | state.isin(_upper(geo.deny_us_states))
                      | (bool(allow) & ~country.isin(allow)) | outside_product_geo)
    f.add("GEO_INELIGIBLE", denied)
    f.add("GEO_UNKNOWN", ~known & (bool(allow) | product_geo))
    f.add("LICENSE_MISSING", needs_license & state.notna() & unlicensed & ~denied)
    f.add("GEO_UNKNOWN", needs_license & state.isna())

    age = _age(leads, as_utc(as_of))
    global_min = cfg.min_age
    min_age = pd.to_numeric(_per_product(product, products, "min_age"), errors="coerce")
    min_age = np.fmax(min_age, float(global_min) if global_min is not None else np.nan)
    f.add("UNDERAGE", min_age.notna() & age.notna() & (age < min_age))
    f.add("AGE_UNVERIFIED", min_age.notna() & age.isna())

    f.add("PRODUCT_EXCLUDED", _excluded(cfg.exclusions, industry, band, country)
          | _product_excluded(products, product, industry, band, country))
    _partners(leads, cfg, country, partner_counts, f)

    ineligible = f.where(lambda c: c in INELIGIBLE_CODES)
    unknown = f.where(lambda c: c in UNKNOWN_CODES)
    state_col = np.select([ineligible, unknown], [EligibilityState.INELIGIBLE.value, EligibilityState.UNKNOWN.value],
                          default=EligibilityState.ELIGIBLE.value)
    frame = pd.DataFrame({"eligibility_state": state_col, "country": country, "us_state": state,
                          "age": age, "product": product, "size_band": band}, index=leads.index)
    return EligibilityResult(frame=frame, findings=f)


def _product_geography(products: dict[str, ProductRules], product: pd.Series, country: pd.Series,
                       state: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """(a product country list applies, outside it, a US license list applies, the state is not on it)."""
    no = pd.Series(False, index=product.index)
    applies, outside, needs_license, unlicensed = no.copy(), no.copy(), no.copy(), no.copy()
    for name, spec in products.items():  # per configured product, not per lead
        mine = product == name
        if spec.countries:
            applies |= mine
            outside |= mine & country.notna() & ~country.isin(_upper(spec.countries))
        if spec.licensed_us_states is not None:
            licensed = mine & (country == "US")
            needs_license |= licensed
            unlicensed |= licensed & ~state.isin(_upper(spec.licensed_us_states))
    return applies, outside, needs_license, unlicensed


def _excluded(spec: Exclusions, industry: pd.Series, band: pd.Series, country: pd.Series) -> pd.Series:
    return (industry.isin([key_of(i) for i in spec.industries])
            | band.isin(list(spec.size_bands))
            | country.isin(_upper(spec.countries)))


def _product_excluded(products: dict[str, ProductRules], product: pd.Series, industry: pd.Series,
                      band: pd.Series, country: pd.Series) -> pd.Series:
    out = pd.Series(False, index=product.index)
    for name, spec in products.items():  # per configured product, not per lead
        out |= (product == name) & _excluded(spec.exclusions, industry, band, country)
    return out


def _partners(leads: pd.DataFrame, cfg: EligibilityRules, country: pd.Series, counts: pd.DataFrame | None,
              f: Findings) -> None:
    partners = cfg.partners
    partner = text(leads, "partner_id")
    if not partners:
        return
    f.add("PARTNER_UNKNOWN", partner.notna() & ~partner.isin(list(partners)))
    failed = pd.Series(False, index=leads.index)
    for name, spec in partners.items():  # per configured partner, not per lead
        mine = partner == name
        for field in spec.require_fields:
            failed |= mine & text(leads, field).isna()
        allowed = _upper(spec.allow_countries)
        if allowed:
            failed |= mine & ~country.isin(allowed)
    f.add("PARTNER_CRITERIA_FAILED", failed)
    caps = {name: spec.daily_cap for name, spec in partners.items() if spec.daily_cap is not None}
    if not caps:
        return
    already = {} if counts is None or counts.empty else dict(
        zip(text(counts, "partner_id"), pd.to_numeric(column(counts, "accepted_today"), errors="coerce"),
            strict=True))
    capped = partner.isin(list(caps)) & ~failed
    rank = partner[capped].groupby(partner[capped]).cumcount()  # 0 for the batch's first lead of a partner
    used = partner[capped].map(already).fillna(0) + rank
    over = used >= partner[capped].map(caps)
    f.add("PARTNER_CAP_EXCEEDED", over.reindex(leads.index, fill_value=False))
