from __future__ import annotations

import random

import pytest

from leadgate_dagster.core.validation.phone_numbers import _TYPES, NumberFacts, _fast_split, parse_number

from .conftest import batch, one, with_overrides

NAME = {"first_name": "Ann", "last_name": "Lee"}


@pytest.mark.parametrize(
    ("fields", "e164", "status", "line_type", "codes"),
    [
        ({"phone": "(415) 555-2671"}, "+14155552671", "valid", "fixed_line_or_mobile", []),
        ({"phone": "020 7183 8750", "country": "United Kingdom"}, "+442071838750", "valid", "fixed_line", []),
        ({"phone": "0151 29384756", "country": "DE"}, "+4915129384756", "valid", "mobile", []),
        ({"phone": "+33 6 19 28 37 46"}, "+33619283746", "valid", "mobile", []),
        ({"phone": "1-800-FLOWERS"}, "+18003569377", "valid", "toll_free", []),
        ({"phone": "+1 900 555 1234"}, "+19005551234", "invalid", "premium_rate",
         ["PHONE_PREMIUM_RATE", "NO_REACHABLE_CHANNEL"]),
        ({"phone": "(212) 555-0142"}, "+12125550142", "invalid", "fixed_line_or_mobile",
         ["PHONE_FICTIONAL", "NO_REACHABLE_CHANNEL"]),
        ({"phone": "07700 900123", "country": "GB"}, "+447700900123", "invalid", "unknown",
         ["PHONE_POSSIBLE_ONLY", "PHONE_FICTIONAL", "NO_REACHABLE_CHANNEL"]),
        ({"phone": "(212) 777-7777"}, "+12127777777", "invalid", "fixed_line_or_mobile",
         ["PHONE_FAKE_PATTERN", "NO_REACHABLE_CHANNEL"]),
        ({"phone": "(212) 123-4567"}, "+12121234567", "invalid", "unknown",
         ["PHONE_POSSIBLE_ONLY", "PHONE_FAKE_PATTERN", "NO_REACHABLE_CHANNEL"]),
        ({"phone": "12"}, None, "invalid", None, ["PHONE_INVALID", "NO_REACHABLE_CHANNEL"]),
        ({"phone": "call me maybe"}, None, "invalid", None, ["PHONE_INVALID", "NO_REACHABLE_CHANNEL"]),
        ({"phone": "+44 20 7183 8750", "country": "US"}, "+442071838750", "valid", "fixed_line",
         ["PHONE_COUNTRY_MISMATCH"]),
    ],
    ids=["us-national", "gb-national-by-country-name", "de-mobile", "fr-intl", "vanity", "premium",
         "nanp-555-01xx", "ofcom-drama", "all-same", "sequential", "too-short", "words", "country-mismatch"],
)
def test_phone_policy(fields: dict[str, str], e164: str | None, status: str, line_type: str | None,
                      codes: list[str]) -> None:
    row = one({**NAME, **fields})
    assert (row["phone_e164"], row["phone_status"], row["phone_type"]) == (e164, status, line_type)
    assert row["reasons"] == codes


def test_pager_closes_the_phone_channel() -> None:
    import phonenumbers

    pager = phonenumbers.example_number_for_type("GB", phonenumbers.PhoneNumberType.PAGER)
    text = phonenumbers.format_number(pager, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    row = one({**NAME, "phone": text, "email": "ann@acme.com"})
    assert row["phone_type"] == "pager" and row["phone_status"] == "invalid"
    assert "PHONE_PAGER" in row["reasons"] and row["reachable_channels"] == ["email"]


def test_region_comes_from_email_cctld_when_no_country() -> None:
    row = one({**NAME, "phone": "030 1234567", "email": "ann@firma.de"})
    assert row["phone_e164"] == "+49301234567" and row["phone_region"] == "DE"


def test_no_region_at_all_gives_unknown_with_its_code() -> None:
    rules = with_overrides("default_region: null")
    row = one({**NAME, "phone": "415 555 2671"}, rules)
    assert row["phone_status"] == "unknown" and "PHONE_REGION_UNKNOWN" in row["reasons"]


def test_mobile_preferred_and_bad_alternative_is_a_warning() -> None:
    row = one({**NAME, "phone": "(415) 555-2671", "mobile": "+44 7400 918273"})
    assert row["phone_e164"] == "+447400918273" and row["mobile_e164"] == "+447400918273"
    assert row["phone_type"] == "mobile" and "sms" in row["reachable_channels"]
    row = one({**NAME, "phone": "(415) 555-2671", "mobile": "12"})
    assert row["phone_e164"] == "+14155552671" and row["reasons"] == ["PHONE_ALT_INVALID"]


def test_shared_number_across_distinct_people_is_flagged_batch_level(rules) -> None:
    from leadgate_dagster.core.validation import validate_batch

    people = [("Ann", "Lee"), ("Bo", "Chen"), ("Cy", "Diaz"), ("Di", "Eze"), ("Ed", "Fox")]
    rows = [{"first_name": f, "last_name": last, "phone": "(415) 555-2671"} for f, last in people]
    rows += [{"first_name": "Ann", "last_name": "Lee", "phone": "(415) 555-9999"}] * 6
    out = validate_batch(batch(*rows), rules=rules)
    assert all("PHONE_SHARED" in r for r in out["reasons"][:5])
    assert not any("PHONE_SHARED" in r for r in out["reasons"][5:])


def _reference_facts(num: object) -> NumberFacts:
    """The facts straight from phonenumbers' public API, one call each, no caching."""
    import phonenumbers as pn
    from phonenumbers import carrier, timezone

    valid = pn.is_valid_number(num)
    zones = [z for z in timezone.time_zones_for_number(num) if z != "Etc/Unknown"] if valid else []
    return NumberFacts(
        possible=pn.is_possible_number(num), valid=valid,
        line_type=_TYPES[pn.number_type(num)] if valid else "unknown",
        region=pn.region_code_for_number(num) if valid else None,
        carrier=(carrier.name_for_number(num, "en") or None) if valid else None,
        time_zone=zones[0] if zones else None)


def _example_numbers() -> list[tuple[str, int, object]]:
    import phonenumbers
    from phonenumbers import PhoneNumberType as T

    out = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (T.FIXED_LINE, T.MOBILE, T.TOLL_FREE, T.PREMIUM_RATE, T.VOIP, T.PAGER, T.UAN,
                     T.SHARED_COST, T.PERSONAL_NUMBER, T.VOICEMAIL):
            num = phonenumbers.example_number_for_type(region, kind)
            if num is not None:
                out.append((region, kind, num))
    return out


def test_cached_facts_equal_phonenumbers_on_every_example_number_and_neighbours() -> None:
    """The per-prefix cache and the fast split must never change an answer (example numbers of every
    region and line type, published with phonenumbers, plus random tails)."""
    import phonenumbers

    rnd = random.Random(7)
    checked = 0
    for _region, _kind, num in _example_numbers():
        nsn = phonenumbers.national_significant_number(num)
        variants = [nsn] + [nsn[:-3] + f"{rnd.randrange(1000):03d}" for _ in range(3)] if len(nsn) > 4 else [nsn]
        for v in variants:
            text = f"+{num.country_code} {v}"
            got = parse_number(text, None)
            want_num = phonenumbers.parse(text, None)
            want = _reference_facts(want_num)
            if isinstance(got, str):
                pytest.fail(f"{text}: {got}")
            assert got.e164 == phonenumbers.format_number(want_num, phonenumbers.PhoneNumberFormat.E164), text
            assert got.facts == want, text
            checked += 1
    assert checked > 2000


@pytest.mark.parametrize("region", ["US", "CA", "GB", "DE", "FR", "IN", "NL", "CH", "AT", "BE", "SE", "IE", "ZA"])
def test_fast_split_equals_phonenumbers_parse(region: str) -> None:
    import phonenumbers

    rnd = random.Random(region)
    seps = [" ", "-", ".", "", "/", " - "]
    for _ in range(400):
        digits = "".join(rnd.choice("0123456789") for _ in range(rnd.randint(5, 13)))
        groups = [digits[i:i + rnd.randint(2, 4)] for i in range(0, len(digits), 3)]
        text = rnd.choice(seps).join(g for g in groups if g)
        if rnd.random() < 0.3:
            text = "+" + text
        if rnd.random() < 0.2 and len(text) > 4:
            text = f"({text[:3]}) {text[3:]}"
        split = _fast_split(text, region)
        if split is None:
            continue
        num = phonenumbers.parse(text, region)
        assert (int(split[0]), int(split[1])) == (num.country_code, num.national_number), text
        assert not num.italian_leading_zero, text
