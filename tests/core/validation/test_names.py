from __future__ import annotations

import pytest

from .conftest import one

CONTACT = {"email": "ann@acme.com", "phone": "+1 415 555 2671"}
LONG = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaft"


@pytest.mark.parametrize(
    ("fields", "first", "last", "status", "codes"),
    [
        ({"first_name": "José", "last_name": "Núñez"}, "José", "Núñez", "valid", []),
        ({"first_name": "Mary-Jane", "last_name": "O'Brien"}, "Mary-Jane", "O'Brien", "valid", []),
        ({"first_name": "ana", "last_name": "D'ANGELO"}, "Ana", "D'Angelo", "valid", []),
        ({"first_name": "SEAN", "last_name": "MCDONALD"}, "Sean", "McDonald", "valid", []),
        ({"first_name": "李", "last_name": "王"}, "李", "王", "valid", []),
        ({"first_name": "محمد", "last_name": "علي"}, "محمد", "علي", "valid", []),
        ({"first_name": "Zoe\u0308", "last_name": "Ng"}, "Zoe\u0308", "Ng", "valid", []),
        ({"first_name": "Dick", "last_name": "Cockburn"}, "Dick", "Cockburn", "valid", []),
        ({"first_name": "John", "last_name": "Hancock"}, "John", "Hancock", "valid", []),
        ({"first_name": "Yury", "last_name": "Wang"}, "Yury", "Wang", "valid", []),
        ({"first_name": "J.", "last_name": "Smith"}, "J.", "Smith", "valid", []),
        ({"full_name": "Dr. Ana de la Cruz Jr."}, "Ana", "de la Cruz", "valid", []),
        ({"full_name": "Smith, John"}, "John", "Smith", "valid", []),
        ({"full_name": "Ann Lee"}, "Ann", "Lee", "valid", []),
        ({"first_name": "Asdfg", "last_name": "Lee"}, "Asdfg", "Lee", "junk", ["NAME_KEYBOARD_MASH"]),
        ({"first_name": "Xkcdvbr", "last_name": "Lee"}, "Xkcdvbr", "Lee", "junk", ["NAME_KEYBOARD_MASH"]),
        ({"first_name": "Aaaaron", "last_name": "Lee"}, "Aaaaron", "Lee", "junk", ["NAME_REPEATED_CHARS"]),
        ({"first_name": "Lololol", "last_name": "Lee"}, "Lololol", "Lee", "junk", ["NAME_REPEATED_CHARS"]),
        ({"first_name": "Mickey", "last_name": "Mouse"}, "Mickey", "Mouse", "junk", ["NAME_PLACEHOLDER"]),
        ({"first_name": "Test", "last_name": "Lee"}, "Test", "Lee", "junk", ["NAME_PLACEHOLDER"]),
        ({"first_name": "Shithead", "last_name": "Lee"}, "Shithead", "Lee", "junk", ["NAME_PROFANITY"]),
        ({"first_name": "Ann2", "last_name": "Lee"}, "Ann2", "Lee", "junk", ["NAME_HAS_DIGITS"]),
        ({"first_name": "<script>", "last_name": "Lee"}, "<script>", "Lee", "junk", ["NAME_INVALID_CHARS"]),
        ({"first_name": "Ann", "last_name": "L"}, "Ann", "L", "junk", ["NAME_TOO_SHORT"]),
        ({"first_name": "Ann", "last_name": LONG}, "Ann", LONG, "junk", ["NAME_TOO_LONG"]),
        ({}, None, None, "missing", ["NAME_MISSING"]),
    ],
    ids=["accents", "hyphen-apostrophe", "recase", "mc", "cjk-one-char", "arabic", "combining-mark",
         "allowlist-dick-cockburn", "allowlist-hancock", "allowlist-yury-wang", "initial", "nameparser-title",
         "nameparser-comma", "full-fast-path", "keyboard-row", "no-vowels", "repeated-char", "repeated-unit",
         "placeholder-pair", "placeholder-token", "profanity", "digits", "symbols", "too-short", "too-long",
         "missing"],
)
def test_names(fields: dict[str, str], first: str | None, last: str | None, status: str,
               codes: list[str]) -> None:
    row = one({**CONTACT, **fields}, mx=None)
    assert (row["first_name_norm"], row["last_name_norm"], row["name_status"]) == (first, last, status)
    assert [c for c in row["reasons"] if c.startswith("NAME_")] == codes


def test_junk_name_quarantines_but_never_rejects_good_contact() -> None:
    row = one({**CONTACT, "first_name": "Mickey", "last_name": "Mouse"})
    assert row["reachable_channels"] == ["email", "phone", "sms"]
    assert {c["severity"] for c in row["checks"]} == {"quarantine"}


def test_fast_full_name_split_matches_nameparser() -> None:
    from nameparser import HumanName

    from leadgate_dagster.core.validation.names import split_full_name

    for full in ["Ann Lee", "Jean-Luc Picard", "Sinéad O'Connor", "Mary Smith", "Bob Vance", "Li Wei"]:
        h = HumanName(full)
        assert split_full_name(full) == (h.first, h.last)
