"""Dates of birth and street lines as identity evidence: one normal form each, and how two of them compare.

A date of birth is typed as 1980-04-03, 03/04/1980, 19800403 or only 1980; day and month get swapped by
forms of the other convention, and a digit slips. A street line is "12 Oak Street", "12 oak st." or
"12 Oak St Apt 4". Both are normalized once per distinct value; comparisons run once per distinct pair.
"""

from __future__ import annotations

import datetime as dt
import re

from anyascii import anyascii
from rapidfuzz.distance import OSA, JaroWinkler

# USPS / Australia Post street suffixes and directionals, as people write them out -> the abbreviation
_STREET_WORDS = {
    "street": "st", "str": "st", "avenue": "ave", "av": "ave", "road": "rd", "drive": "dr", "lane": "ln",
    "court": "ct", "boulevard": "blvd", "place": "pl", "circuit": "cct", "crescent": "cres", "terrace": "tce",
    "highway": "hwy", "parkway": "pkwy", "square": "sq", "close": "cl", "way": "wy", "parade": "pde",
    "north": "n", "south": "s", "east": "e", "west": "w", "apartment": "apt", "suite": "ste", "unit": "unit",
}
_DATE_PARTS = re.compile(r"\d+")


def normalize_dob(value: str, *, day_first: bool) -> str | None:
    """"YYYY-MM-DD", or "YYYY" when only a year is given; None for what is no plausible date of birth.

    Args:
        value: the date as typed (ISO, D/M/Y or M/D/Y, YYYYMMDD, a year).
        day_first: how to read an ambiguous a/b/YYYY (both parts <= 12).
    """
    parts = _DATE_PARTS.findall(value)
    if len(parts) == 1 and len(parts[0]) == 8:
        text = parts[0]
        parts = [text[:4], text[4:6], text[6:]] if text[:2] in ("19", "20") else [text[4:], text[2:4], text[:2]]
    if len(parts) == 1 and len(parts[0]) == 4:
        return parts[0] if 1900 <= int(parts[0]) <= 2030 else None
    if len(parts) != 3:
        return None
    if len(parts[0]) == 4:
        y, m, d = parts
    elif len(parts[2]) == 4:
        a, b, y = parts
        first_is_day = int(a) > 12 or (int(b) <= 12 and day_first)
        d, m = (a, b) if first_is_day else (b, a)
    else:
        return None
    try:
        date = dt.date(int(y), int(m), int(d))
    except ValueError:
        return None
    return date.isoformat() if 1900 <= date.year <= 2030 else None


def dob_level(a: str, b: str, within_days: int) -> str:
    """exact | transposed | typo | within_days | year_only | different, for two normalized dates of birth
    (typo: one digit changed, or two neighbouring digits swapped)."""
    if a == b:
        return "exact"
    if len(a) == 4 or len(b) == 4:
        return "year_only" if a[:4] == b[:4] else "different"
    if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return "transposed"
    if OSA.distance(a, b) <= 1:
        return "typo"
    days = abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days)
    return "within_days" if days <= within_days else "different"


def normalize_street(value: str) -> str | None:
    """Lowercase ASCII tokens with suffixes and directionals abbreviated ("12 Oak Street." -> "12 oak st")."""
    tokens = re.sub(r"[^a-z0-9 ]+", " ", anyascii(value).lower()).split()
    return " ".join(_STREET_WORDS.get(t, t) for t in tokens) or None


def house_number(street: str) -> str | None:
    """The leading digits of the first token that starts with one ("12b" -> "12"; "9555emain" -> "9555")."""
    token = next((t for t in street.split() if t[0].isdigit()), None)
    return re.match(r"\d+", token).group(0) if token else None  # type: ignore[union-attr]


def street_similar(a: str, b: str, threshold: float) -> bool:
    """Same house number (or none on either side) and the rest at least `threshold` Jaro-Winkler similar."""
    na, nb = house_number(a), house_number(b)
    if na != nb:
        return False
    return JaroWinkler.normalized_similarity(a, b) >= threshold
