from __future__ import annotations

import pytest

from .conftest import one

CONTACT = {"first_name": "Ann", "last_name": "Lee", "email": "ann@acme.com"}


@pytest.mark.parametrize(
    ("fields", "iso2", "postal", "status", "codes"),
    [
        ({"street": "123 Main St", "city": "Boston", "postal_code": "2134", "country": "USA"}, "US", "02134",
         "valid", []),
        ({"city": "Ottawa", "postal_code": "k1a0b1", "country": "Canada"}, "CA", "K1A 0B1", "valid", []),
        ({"city": "London", "postal_code": "sw1a 1aa", "country": "UK"}, "GB", "SW1A 1AA", "valid", []),
        ({"city": "Berlin", "postal_code": "10115", "country": "Deutschland"}, "DE", "10115", "valid", []),
        ({"city": "Paris", "postal_code": "75 008", "country": "FR"}, "FR", "75008", "valid", []),
        ({"city": "Sydney", "postal_code": "2000", "country": "AUS"}, "AU", "2000", "valid", []),
        ({"city": "Bengaluru", "postal_code": "560 001", "country": "India"}, "IN", "560001", "valid", []),
        ({"city": "Madrid", "postal_code": "28013", "country": "Spain"}, "ES", "28013", "valid", []),
        ({"city": "Dubai", "country": "AE"}, "AE", None, "valid", []),
        ({"city": "Berlin", "postal_code": "1011", "country": "DE"}, "DE", "1011", "invalid",
         ["ADDRESS_POSTAL_INVALID"]),
        ({"city": "Berlin", "country": "DE"}, "DE", None, "partial", ["ADDRESS_POSTAL_MISSING"]),
        ({"postal_code": "10115", "country": "DE"}, "DE", "10115", "partial", ["ADDRESS_LOCALITY_MISSING"]),
        ({"city": "X", "postal_code": "123", "country": "Atlantis"}, None, "123", "invalid",
         ["ADDRESS_COUNTRY_UNKNOWN"]),
        ({"city": "Boston", "postal_code": "02134"}, None, "02134", "valid", ["ADDRESS_COUNTRY_MISSING"]),
        ({"country": "US"}, "US", None, "missing", []),
    ],
    ids=["us-zero-pad", "ca", "gb", "de-alias", "fr-spaces", "au-alpha3", "in", "generic-es", "no-postal-country",
         "bad-postal", "postal-missing", "locality-missing", "unknown-country", "no-country", "country-only"],
)
def test_address(fields: dict[str, str], iso2: str | None, postal: str | None, status: str,
                 codes: list[str]) -> None:
    row = one({**CONTACT, **fields})
    assert (row["country_iso2"], row["postal_code_norm"], row["address_status"]) == (iso2, postal, status)
    assert [c for c in row["reasons"] if c.startswith("ADDRESS_")] == codes


def test_us_street_parsed_only_for_us() -> None:
    row = one({**CONTACT, "street": "1600 Pennsylvania Ave NW", "city": "Washington", "postal_code": "20500",
               "country": "US"})
    assert row["street_parsed"]["AddressNumber"] == "1600"
    assert row["street_parsed"]["StreetName"] == "Pennsylvania"
    fr = one({**CONTACT, "street": "8 rue de Rivoli", "city": "Paris", "postal_code": "75004", "country": "FR"})
    assert fr["street_parsed"] is None and "ADDRESS_STREET_UNPARSED" not in fr["reasons"]


@pytest.mark.parametrize(
    ("fields", "company", "domain", "seniority", "department"),
    [
        ({"company": "ACME, INC.", "website": "https://www.Acme.com/about"}, "Acme", "acme.com", None, None),
        ({"company": "Müller GmbH & Co. KG"}, "Müller", "acme.com", None, None),
        ({"company": "IBM UK LTD"}, "IBM UK", "acme.com", None, None),
        ({"company": "Globex Pty Ltd", "job_title": "VP, Sales"}, "Globex", "acme.com", "vp", "sales"),
        ({"job_title": "Chief Technology Officer"}, None, "acme.com", "c_level", "engineering"),
        ({"job_title": "Sr. Software Engineer"}, None, "acme.com", "senior", "engineering"),
        ({"job_title": "Head of Marketing"}, None, "acme.com", "director", "marketing"),
        ({"job_title": "Marketing intern"}, None, "acme.com", "entry", "marketing"),
        ({"job_title": "Accountant"}, None, "acme.com", "individual", "finance"),
    ],
    ids=["suffix-and-website", "gmbh-co-kg", "acronyms", "pty-ltd-vp", "c-level", "senior", "head-of", "intern",
         "individual"],
)
def test_company_and_title(fields: dict[str, str], company: str | None, domain: str | None,
                           seniority: str | None, department: str | None) -> None:
    row = one({**CONTACT, **fields})
    assert (row["company_norm"], row["company_domain"], row["seniority"], row["department"]) == (
        company, domain, seniority, department)


def test_free_mail_is_not_a_company_domain_and_bad_website_is_flagged() -> None:
    row = one({**CONTACT, "email": "ann@gmail.com", "website": "not a site"})
    assert row["company_domain"] is None and "COMPANY_WEBSITE_INVALID" in row["reasons"]
