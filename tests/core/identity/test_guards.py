"""Guards that keep precision where keys are shared inside a file: households, twins, an organisation's sites."""

from __future__ import annotations

from collections.abc import Callable

from leadgate_dagster.core.identity import IdentityResolution, IdentitySettings
from leadgate_dagster.core.identity.guards import contested_keys
from leadgate_dagster.core.identity.keys import build_keys, shared_keys
from tests.core.identity.conftest import leads_frame

Resolve = Callable[..., IdentityResolution]
HOME = {"street": "12 Oak Street", "city": "Salem", "postal_code": "97301", "phone": "503 555 0142"}


def test_household_line_is_contested_not_shared() -> None:
    rows = [{"first_name": "Ann", "last_name": "Lee", **HOME}, {"first_name": "Tom", "last_name": "Lee", **HOME}]
    keys = build_keys(leads_frame(rows), IdentitySettings())
    shared = shared_keys(keys, IdentitySettings())
    contested = contested_keys(keys, shared, IdentitySettings())
    assert shared.empty  # two names: below the shared-key limit
    assert set(contested["key_type"]) == {"phone", "address"}


def test_twins_sharing_birthday_address_and_line_stay_two_people(resolve: Resolve) -> None:
    twin = {"last_name": "Lee", "date_of_birth": "1990-05-17", **HOME}
    res = resolve([{"first_name": "Ann", **twin}, {"first_name": "Tom", **twin}])
    assert res.assignments["person_id"].nunique() == 2
    assert set(res.pairs["decision"]) <= {"no_match"}


def test_father_and_son_of_one_name_differ_by_date_of_birth(resolve: Resolve) -> None:
    base = {"first_name": "John", "last_name": "Lee", **HOME}
    res = resolve([{**base, "date_of_birth": "1961-02-03"}, {**base, "date_of_birth": "1989-09-30"}])
    assert res.assignments["person_id"].nunique() == 2
    assert "dates of birth or sites conflict" in res.pairs.loc[0, "explanation"]


def test_one_person_twice_in_a_household_still_merges(resolve: Resolve) -> None:
    rows = [
        {"first_name": "Ann", "last_name": "Lee", "date_of_birth": "1990-05-17", **HOME},
        {"first_name": "Tom", "last_name": "Lee", "date_of_birth": "1988-01-09", **HOME},
        {"first_name": "Anne", "last_name": "LEE", "date_of_birth": "17/05/1990", **HOME, "street": "12 Oak St"},
    ]
    res = resolve(rows)
    persons = res.assignments["person_id"]
    assert persons["r1"] == persons["r3"] != persons["r2"]


def test_sites_sharing_a_switchboard_and_website_stay_apart(resolve: Resolve) -> None:
    site = {"company": "Acme Dental LLC", "website": "acmedental.com", "phone": "(415) 555-0100"}
    rows = [
        {**site, "street": "1 Main Street", "city": "Salem", "postal_code": "97301"},
        {**site, "company": "Acme Dental - Dayton", "street": "80 Elm Ave", "city": "Dayton", "postal_code": "45402"},
        {**site, "company": "ACME DENTAL - Salem", "street": "1 Main St", "city": "Salem", "postal_code": "97301"},
    ]
    res = resolve(rows)
    persons = res.assignments["person_id"]
    assert persons["r1"] == persons["r3"] != persons["r2"]
    between = res.pairs[(res.pairs["id_l"] == "r1") & (res.pairs["id_r"] == "r2")]
    assert between["decision"].tolist() == ["no_match"]
