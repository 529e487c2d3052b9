"""Small text patterns shared by the email and name checks: keyboard runs, repeated characters."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

# QWERTY, AZERTY and QWERTZ letter rows; a run of neighbouring keys, in either direction, is mash.
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop", "qsdfghjklm", "wxcvbn", "qwertzuiop", "yxcvbnm")


@lru_cache(maxsize=1)
def _neighbours() -> frozenset[tuple[str, str]]:
    pairs = set()
    for row in _ROWS:
        for a, b in pairwise(row):
            pairs.add((a, b))
            pairs.add((b, a))
    return frozenset(pairs)


def keyboard_run(text: str) -> int:
    """Length of the longest run of neighbouring keys of one keyboard row in `text` (lowercased)."""
    pairs = _neighbours()
    s = text.lower()
    best = run = 1 if s else 0
    for a, b in pairwise(s):
        run = run + 1 if (a, b) in pairs else 1
        best = max(best, run)
    return best


def longest_char_run(text: str) -> int:
    """Length of the longest run of one character, case-insensitive ("Aaaa" -> 4)."""
    s = text.lower()
    best = run = 1 if s else 0
    for a, b in pairwise(s):
        run = run + 1 if a == b else 1
        best = max(best, run)
    return best


_REPEATED_UNIT = re.compile(r"(.{2,3})\1{2,}", re.IGNORECASE)


def repeated_unit(text: str) -> bool:
    """True for text that is mostly one short unit repeated: "lololo", "abcabcabc"."""
    m = _REPEATED_UNIT.search(text)
    return bool(m) and len(m.group(0)) * 2 > len(text)
