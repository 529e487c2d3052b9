"""`eligibility`: may a product be offered to a lead (geography, age, exclusions, products, partners)."""

from __future__ import annotations

from leadgate_dagster.core.rules.section import Section, Words


class Geography(Section):
    allow_countries: Words
    deny_countries: Words
    deny_us_states: Words


class Exclusions(Section):
    industries: Words = ()
    size_bands: Words = ()
    countries: Words = ()


class ProductRules(Section):
    """One product; `licensed_us_states: null` (the default) means no US licence list applies."""

    countries: Words = ()
    licensed_us_states: Words | None = None
    min_age: float | None = None
    exclusions: Exclusions = Exclusions()


class PartnerRules(Section):
    require_fields: Words = ()
    allow_countries: Words = ()
    daily_cap: int | None = None


class EligibilityRules(Section):
    geography: Geography
    min_age: float | None
    exclusions: Exclusions
    products: dict[str, ProductRules]
    partners: dict[str, PartnerRules]
    partner_accepted_dispositions: Words
