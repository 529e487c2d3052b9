"""phonenumbers, made fast for batches: a strict fast path for the common shapes, cached facts per prefix.

`phonenumbers.parse` plus validity, type, carrier and time zone cost about 200 us per number in pure Python,
over the 166 us a lead may take in all. Two observations make it cheap without changing any answer:

* Most numbers in lead files are plain digit groups ("(415) 555-0123", "+44 20 7946 0000"). For those the
  country code and national number can be split directly with the region's metadata; any shape the fast path
  is not sure about (letters, extensions, national or international prefixes, leading zeros, a number that
  starts with its own country code) goes to `phonenumbers.parse` instead. A test holds the two equal.
* Validity, line type, region, carrier and time zone depend only on the leading digits and the length: the
  metadata patterns of most regions end in a free `\\d{n}`, and the carrier/time-zone tables are keyed by
  prefixes. So the facts are cached per (country code, length, number without its last k digits), with k
  computed per country code from the metadata and tables themselves (0 where any pattern constrains the
  tail), so the cache never changes an answer.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_SHAPE = re.compile(r"\+?(?:\(\d{1,5}\)|\d+)(?:[ .\-/]{1,2}(?:\(\d{1,5}\)|\d+)|(?:\(\d{1,5}\)))*")
_NON_DIGIT = re.compile(r"\D")
_TYPES = {0: "fixed_line", 1: "mobile", 2: "fixed_line_or_mobile", 3: "toll_free", 4: "premium_rate",
          5: "shared_cost", 6: "voip", 7: "personal_number", 8: "pager", 9: "uan", 10: "voicemail",
          99: "unknown"}
_MAX_MASK = 4
_CARRIER_TYPES = frozenset({"mobile", "fixed_line_or_mobile", "pager"})


@dataclass(frozen=True, slots=True)
class NumberFacts:
    possible: bool
    valid: bool
    line_type: str
    region: str | None
    carrier: str | None
    time_zone: str | None


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    country_code: int
    national: str  # national significant number, with any Italian-style leading zeros
    e164: str
    facts: NumberFacts


def _pn() -> Any:
    import phonenumbers

    return phonenumbers


@lru_cache(maxsize=512)
def _region_meta(region: str) -> Any:
    return _pn().PhoneMetadata.metadata_for_region(region)


@lru_cache(maxsize=512)
def _fast_rules(region: str) -> tuple[str, tuple[str, ...], str, re.Pattern[str], frozenset[int]] | None:
    """(country code, national prefixes, IDD, general pattern, possible lengths), or None where the fast
    path would not be exact."""
    md = _region_meta(region)
    if md is None or md.national_prefix_transform_rule or not md.general_desc:
        return None
    npp = md.national_prefix_for_parsing or md.national_prefix or ""
    prefixes = tuple(p for p in npp.split("|") if p)
    idd = md.international_prefix or ""
    if not all(p.isdigit() for p in prefixes) or not idd.isdigit():
        return None
    general = re.compile(md.general_desc.national_number_pattern)
    return str(md.country_code), prefixes, idd, general, frozenset(md.general_desc.possible_length)


def _fast_split(text: str, region: str | None) -> tuple[str, str] | None:
    """(country code, national number) when the shape is unambiguous, else None (use phonenumbers)."""
    if not _SHAPE.fullmatch(text):
        return None
    digits = _NON_DIGIT.sub("", text)
    if text.startswith("+"):
        cc_map = _pn().COUNTRY_CODE_TO_REGION_CODE
        for n in (1, 2, 3):
            cc = digits[:n]
            if int(cc or 0) in cc_map and digits[:1] != "0":
                regions = cc_map[int(cc)]
                rules = _fast_rules(regions[0])
                nsn = digits[n:]
                if rules is None or rules[0] != cc or nsn.startswith(("0", *rules[1])):
                    return None
                return (cc, nsn) if 4 <= len(nsn) <= 15 else None
        return None
    rules = _fast_rules(region) if region else None
    if rules is None:
        return None
    cc, prefixes, idd, general, lengths = rules
    if digits.startswith(idd) or digits.startswith(cc):
        return None
    for p in prefixes:
        if digits.startswith(p):
            stripped = digits[len(p):]
            if general.fullmatch(digits) or len(stripped) not in lengths:
                return None
            digits = stripped
            break
    if digits[:1] == "0" or not 4 <= len(digits) <= 15:
        return None
    return cc, digits


def _width(items: list[Any], state: Any, sre: Any) -> tuple[int, int]:
    return sre.SubPattern(state, list(items)).getwidth() if items else (0, 0)


def _free_tail(items: list[Any], k: int, c: Any, sre: Any, state: Any, length: int) -> bool:
    """True when the last k of the `length` digits matched by the parsed regex `items` are any digits.

    Branches whose alternatives cannot reach `length` digits are ignored ("800(?:\\d{6}|1111)" has a free
    tail at length 9). Anything not understood answers False, which only means less caching.
    """
    while k > 0:
        if not items:
            return False
        op, av = items.pop()
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            lo, hi, sub = av
            if not (len(sub) == 1 and sub[0] == (c.IN, [(c.CATEGORY, c.CATEGORY_DIGIT)])):
                return False
            if lo >= k:
                return True
            if lo != hi:
                return False
            k, length = k - lo, length - lo
        elif op is c.IN and av == [(c.CATEGORY, c.CATEGORY_DIGIT)]:
            k, length = k - 1, length - 1
        elif op is c.SUBPATTERN:
            return _free_tail(items + list(av[-1]), k, c, sre, state, length)
        elif op is c.BRANCH:
            before = _width(items, state, sre)
            for alt in av[1]:
                lo, hi = alt.getwidth()
                if before[0] + lo <= length <= before[1] + hi and not _free_tail(
                        items + list(alt), k, c, sre, state, length):
                    return False
            return True
        else:
            return False
    return True


def _alternatives(parsed: Any, c: Any) -> list[Any]:
    items = list(parsed)
    if len(items) == 1 and items[0][0] is c.BRANCH:
        return list(items[0][1][1])
    return [parsed]


@lru_cache(maxsize=4096)
def _mask_width(cc: int, length: int) -> int:
    """How many trailing digits never change the type/validity of a `length`-digit number of `cc` (0..4).

    Each top-level alternative of each metadata pattern that can match `length` digits must end in at least
    that many free digits; special numbers such as "8001111" only concern their own length.
    """
    try:
        import re._constants as c
        import re._parser as sre

        width = _MAX_MASK
        for region in _pn().COUNTRY_CODE_TO_REGION_CODE.get(cc, ()):
            md = _region_meta(region)
            for desc in (md.general_desc, md.fixed_line, md.mobile, md.toll_free, md.premium_rate,
                         md.shared_cost, md.personal_number, md.voip, md.pager, md.uan, md.voicemail):
                pattern = getattr(desc, "national_number_pattern", None)
                if not pattern:
                    continue
                parsed = sre.parse(pattern)
                for alt in _alternatives(parsed, c):
                    lo, hi = alt.getwidth()
                    if lo <= length <= hi:
                        while width and not _free_tail(list(alt), width, c, sre, parsed.state, length):
                            width -= 1
        return width
    except Exception:
        return 0


@lru_cache(maxsize=1)
def _prefix_tables() -> tuple[list[str], list[str]]:
    """Sorted keys of phonenumbers' carrier and time-zone tables (digit prefixes of E.164 numbers)."""
    from phonenumbers.carrierdata import CARRIER_DATA
    from phonenumbers.tzdata import TIMEZONE_DATA

    return sorted(CARRIER_DATA), sorted(TIMEZONE_DATA)


def _no_longer_key(keys: list[str], head: str) -> bool:
    """True when no table key is longer than `head` and starts with it (the tail cannot matter)."""
    i = bisect_left(keys, head)
    while i < len(keys) and keys[i].startswith(head):
        if len(keys[i]) > len(head):
            return False
        i += 1
    return True


def _type_in_region(numobj: Any, region: str) -> int:
    """number_type() without looking the region up again (it is known); UNKNOWN means not valid there.

    Same result as is_valid_number_for_region + number_type; uses phonenumbers' type helper when present
    (the equivalence test over every example number guards it) and the public calls otherwise.
    """
    pn = _pn()
    helper = getattr(pn.phonenumberutil, "_number_type_helper", None)
    md = pn.PhoneMetadata.metadata_for_region_or_calling_code(numobj.country_code, region)
    if helper is None or md is None:
        return int(pn.number_type(numobj)) if pn.is_valid_number_for_region(numobj, region) else 99
    if region != pn.REGION_CODE_FOR_NON_GEO_ENTITY and numobj.country_code != md.country_code:
        return 99
    return int(helper(pn.national_significant_number(numobj), md))


def _facts_of(numobj: Any) -> NumberFacts:
    """Facts through phonenumbers' public API, with the region looked up once (not once per call)."""
    pn = _pn()
    from phonenumbers import carrier, timezone

    possible = bool(pn.is_possible_number(numobj))
    region = pn.region_code_for_number(numobj)
    if region is None:
        return NumberFacts(possible, False, "unknown", None, None, None)
    kind = _type_in_region(numobj, region)
    if kind == pn.PhoneNumberType.UNKNOWN:
        return NumberFacts(possible, False, "unknown", None, None, None)
    line_type = _TYPES.get(kind, "unknown")
    name = carrier.name_for_valid_number(numobj, "en") if line_type in _CARRIER_TYPES else ""
    if pn.is_number_type_geographical(kind, numobj.country_code):
        zones = timezone.time_zones_for_geographical_number(numobj)
    else:
        zones = timezone.time_zones_for_number(numobj)
    zone = next((z for z in zones if z != "Etc/Unknown"), None)
    return NumberFacts(possible, True, line_type, region, name or None, zone)


_FACTS: dict[tuple[int, int, str], NumberFacts] = {}
_SAFE_HEAD: dict[str, bool] = {}
_CACHE_MAX = 500_000


def _safe_head(head: str) -> bool:
    safe = _SAFE_HEAD.get(head)
    if safe is None:
        carrier_keys, tz_keys = _prefix_tables()
        if len(_SAFE_HEAD) >= _CACHE_MAX:
            _SAFE_HEAD.clear()
        safe = _SAFE_HEAD[head] = _no_longer_key(carrier_keys, head) and _no_longer_key(tz_keys, head)
    return safe


def _facts(cc: int, national: str) -> NumberFacts:
    """Facts of +cc national, cached per (cc, length, national without its last k digits)."""
    k = min(_mask_width(cc, len(national)), len(national) - 1)
    digits = f"{cc}{national}"
    while k and not _safe_head(digits[: len(digits) - k]):
        k -= 1
    key = (cc, len(national), national[: len(national) - k])
    facts = _FACTS.get(key)
    if facts is None:
        if len(_FACTS) >= _CACHE_MAX:
            _FACTS.clear()
        facts = _FACTS[key] = _facts_of(_pn().PhoneNumber(country_code=cc, national_number=int(national)))
    return facts


def parse_number(text: str, region: str | None) -> ParsedNumber | str:
    """Parse one cleaned phone field with `region` for national formats.

    Args:
        text: the cleaned field value.
        region: ISO 3166 alpha-2 region to read a national number with, or None.

    Returns:
        The parsed number with its facts, or a message saying why it does not parse.
    """
    split = _fast_split(text, region)
    if split is not None:
        cc, national = split
        return ParsedNumber(int(cc), national, f"+{cc}{national}", _facts(int(cc), national))
    pn = _pn()
    try:
        numobj = pn.parse(text, region)
    except pn.NumberParseException as exc:
        return str(exc.args[0] if exc.args else exc)
    zeros = (numobj.number_of_leading_zeros or 1) if numobj.italian_leading_zero else 0
    national = "0" * zeros
    national += str(numobj.national_number)
    bare = pn.PhoneNumber(country_code=numobj.country_code, national_number=numobj.national_number,
                          italian_leading_zero=numobj.italian_leading_zero,
                          number_of_leading_zeros=numobj.number_of_leading_zeros)
    facts = _facts_of(bare) if numobj.italian_leading_zero else _facts(numobj.country_code, national)
    return ParsedNumber(numobj.country_code, national, f"+{numobj.country_code}{national}", facts)
