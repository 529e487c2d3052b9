"""Dates of birth and street lines: one normal form per way of writing them, and their comparison levels."""

from __future__ import annotations

import pytest

from leadgate_dagster.core.identity.places import dob_level, normalize_dob, normalize_street, street_similar


@pytest.mark.parametrize(
    ("raw", "day_first", "want"),
    [
        ("1980-04-03", True, "1980-04-03"),
        ("19800403", True, "1980-04-03"),
        ("03/04/1980", True, "1980-04-03"),
        ("03/04/1980", False, "1980-03-04"),
        ("25/12/1990", False, "1990-12-25"),  # 25 cannot be a month, whatever the convention
        ("12/25/1990", True, "1990-12-25"),
        ("1985", True, "1985"),
        ("31/02/1980", True, None),
        ("03/04/80", True, None),  # two-digit years are left out rather than guessed
        ("next tuesday", True, None),
        ("1850-01-01", True, None),
    ],
    ids=["iso", "compact", "day-first", "month-first", "day-over-12", "month-over-12-day-first", "year-only",
         "impossible", "two-digit-year", "text", "implausible-year"],
)
def test_normalize_dob(raw: str, day_first: bool, want: str | None) -> None:
    assert normalize_dob(raw, day_first=day_first) == want


@pytest.mark.parametrize(
    ("a", "b", "want"),
    [
        ("1980-04-03", "1980-04-03", "exact"),
        ("1980-04-03", "1980-03-04", "transposed"),
        ("1980-04-03", "1980-04-08", "typo"),
        ("1980-04-03", "1980-04-12", "within_days"),
        ("1980-04-03", "1980", "year_only"),
        ("1980-04-03", "1981", "different"),
        ("1980-04-03", "1975-11-20", "different"),
    ],
    ids=["exact", "transposed", "one-digit", "days-apart", "year-only", "other-year", "different"],
)
def test_dob_level(a: str, b: str, want: str) -> None:
    assert dob_level(a, b, within_days=10) == want == dob_level(b, a, within_days=10)


def test_street_spellings_normalize_alike_and_house_numbers_keep_apart() -> None:
    assert normalize_street("12 Oak Street.") == normalize_street("12 oak st") == "12 oak st"
    assert normalize_street("  ,. ") is None
    assert street_similar("12 oak st", "12 oka st", 0.9)
    assert not street_similar("12 oak st", "21 oak st", 0.9)  # neighbours, not a typo
    assert street_similar("9555emain ct", "9555 main ct", 0.9)  # a slipped key after the house number
