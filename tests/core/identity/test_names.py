from __future__ import annotations

import pytest

from leadgate_dagster.core.identity.names import (
    first_names_compatible,
    names_conflict,
    nickname_index,
    normalize_name,
    split_full_name,
)


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("José", "jose"),
        ("ŁUKASZ", "lukasz"),
        ("Søren", "soren"),
        ("Дмитрий", "dmitriy"),
        ("O'Brien", "obrien"),
        ("Smith-Jones", "smith jones"),
        ("Dr. Ann", "ann"),
        ("  ", None),
        (None, None),
    ],
    ids=["accent", "polish-l", "danish-o", "cyrillic", "apostrophe", "hyphen", "title", "blank", "none"],
)
def test_normalize_name(raw: str | None, want: str | None) -> None:
    assert normalize_name(raw) == want


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("bill", "william"),
        ("bob", "robert"),
        ("peg", "margaret"),
        ("peggy", "margaret"),
        ("liz", "elizabeth"),
        ("bob", "billy"),
    ],
    ids=["bill", "bob", "peg", "peggy", "liz", "via-robert"],
)
def test_nicknames_are_compatible(a: str, b: str) -> None:
    assert nickname_index().compatible(a, b)


def test_different_formal_names_are_not_nicknames() -> None:
    assert not nickname_index().compatible("william", "robert")
    assert nickname_index().canonical("bill") == nickname_index().canonical("billy") == "william"
    assert nickname_index().canonical("robert") == "robert"


@pytest.mark.parametrize(
    ("a", "b", "want"),
    [
        ("john", "j", True),
        ("mergaret", "margaret", True),
        ("mark", "maria", False),
        ("eric", "erica", False),
        ("john", "jane", False),
        ("paul", "paula", False),
        ("mary ann", "mary", True),
    ],
    ids=["initial", "typo", "mark-maria", "eric-erica", "john-jane", "paul-paula", "double-name"],
)
def test_first_names_compatible(a: str, b: str, want: bool) -> None:
    assert first_names_compatible(a, b, min_similarity=0.9) is want


@pytest.mark.parametrize(
    ("a", "b", "want"),
    [
        (("bill", "smith"), ("william", "smith"), False),
        (("smith", "john"), ("john", "smith"), False),
        (("john", "smith"), ("mary", "smith"), True),
        (("john", "smith"), ("john", "brown"), True),
        ((None, "smith"), ("mary", "smith"), False),
        (("john", None), ("mary", None), True),
    ],
    ids=["nickname", "swapped", "relative", "other-family", "missing-first", "first-only"],
)
def test_names_conflict(
    a: tuple[str | None, str | None], b: tuple[str | None, str | None], want: bool
) -> None:
    assert names_conflict(a[0], a[1], b[0], b[1], 0.9) is want


def test_split_full_name() -> None:
    assert split_full_name("Smith, John") == ("john", "smith")
    assert split_full_name("Dr. Mary van der Berg") == ("mary", "van der berg")
