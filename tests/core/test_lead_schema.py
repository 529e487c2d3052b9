"""Header synonyms: real export headers land on the canonical lead fields."""

from __future__ import annotations

import pytest

from leadgate_dagster.core.lead_schema import (
    CANONICAL_FIELDS,
    HEADER_SYNONYMS,
    HEADER_TARGETS,
    map_headers,
    normalize_header,
)


def test_canonical_fields_are_the_contract() -> None:
    assert CANONICAL_FIELDS[:4] == ("external_id", "source", "partner_id", "campaign")
    assert CANONICAL_FIELDS[-2:] == ("product_interest", "demo_requested")
    assert len(CANONICAL_FIELDS) == len(set(CANONICAL_FIELDS)) == 46


def test_every_field_matches_its_own_name_and_every_synonym_is_canonical() -> None:
    assert all(HEADER_SYNONYMS[normalize_header(f)] == f for f in CANONICAL_FIELDS)
    assert set(HEADER_SYNONYMS.values()) <= HEADER_TARGETS


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("E-mail Address", "email"), ("Email", "email"), ("email_address", "email"), ("Work Email", "email"),
        ("Mobile", "mobile"), ("Cell", "mobile"), ("Mobile Phone", "mobile"), ("MobilePhone", "mobile"),
        ("Phone Number", "phone"), ("Tel", "phone"), ("Telephone", "phone"), ("phone_number", "phone"),
        ("Surname", "last_name"), ("Last Name", "last_name"), ("Family name", "last_name"),
        ("First Name", "first_name"), ("Given name", "first_name"), ("Forename", "first_name"),
        ("firstName", "first_name"), ("Name", "full_name"), ("Full Name", "full_name"),
        ("Contact Name", "full_name"), ("Company Name", "company"), ("Organization", "company"),
        ("Organisation", "company"), ("Account", "company"), ("Company / Account", "company"),
        ("Zip", "postal_code"), ("ZIP Code", "postal_code"), ("Postcode", "postal_code"),
        ("Postal Code", "postal_code"), ("Zip/Postal Code", "postal_code"), ("State", "region"),
        ("Province", "region"), ("County", "region"), ("State/Region", "region"), ("Country", "country"),
        ("Country Code", "country"), ("Country/Region", "country"), ("Job Title", "job_title"),
        ("Title", "job_title"), ("Position", "job_title"), ("Lead ID", "external_id"),
        ("External ID", "external_id"), ("id", "external_id"), ("Record ID", "external_id"),
        ("Lead Source", "source"), ("Source", "source"), ("Website", "website"),
        ("Company Website", "website"), ("URL", "website"), ("IP Address", "ip"), ("DOB", "date_of_birth"),
        ("Date of Birth", "date_of_birth"), ("Birthdate", "date_of_birth"), ("utm source", "utm_source"),
        ("UTM_Medium", "utm_medium"), ("utm-campaign", "utm_campaign"),
        ("No. of Employees", "employee_count"),
        ("created_time", "submitted_at"), ("TrustedForm Cert URL", "consent_certificate_id"),
        ("Téléphone", "phone"), ("\ufeff\u200bEmail ", "email"), ("  EMAIL.ADDRESS  ", "email"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_header_synonym(header: str, field: str) -> None:
    assert map_headers([header]) == [field]


@pytest.mark.parametrize(
    ("headers", "want"),
    [
        (["Email", "E-mail Address", "Notes"], ["email", None, None]),
        (["Phone", "Mobile", "Cell"], ["phone", "mobile", None]),
        (["", "???", "Favourite colour"], [None, None, None]),
        ([], []),
    ],
    ids=["first-wins", "phone-vs-mobile", "unknown-columns", "no-columns"],
)
def test_map_headers(headers: list[str], want: list[str | None]) -> None:
    assert map_headers(headers) == want
