"""Person-name normalization, nicknames and name conflicts.

Names are the weakest and most abused identity evidence: the same person writes "Bill", "William" and
"WILLIAM", drops the accent of "José", swaps first and last name in a form, and mistypes either. Two
different people at one company share a surname far more often than a typo turns "Mark" into "Maria".
This module turns all of that into plain ASCII tokens and two questions: are two first names
compatible (equal, nicknames of each other, an initial, or a typo away), and do two names conflict.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from nameparser import HumanName
from nicknames import name_triplets
from rapidfuzz.distance import OSA, JaroWinkler

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "herr", "frau", "mme", "mlle"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "mba"})
_NOT_LETTER = re.compile(r"[^a-z ]+")


def normalize_name(value: object) -> str | None:
    """Fold a name to lowercase ASCII letters and single spaces, without titles and suffixes.

    Transliteration (anyascii) rather than accent stripping, so "Łukasz" becomes "lukasz" and
    "Дмитрий" becomes "dmitriy", the forms people type when their keyboard lacks the letter.

    Args:
        value: a first, last or full name as given; None, NaN and blanks are missing.

    Returns:
        The folded name, or None when nothing name-like remains.
    """
    if not isinstance(value, str):
        return None
    text = anyascii(value).lower().replace("'", "").replace("-", " ").replace(".", " ")
    tokens = [t for t in _NOT_LETTER.sub(" ", text).split() if t not in _TITLES and t not in _SUFFIXES]
    return " ".join(tokens) or None


def split_full_name(value: object) -> tuple[str | None, str | None]:
    """Split a full name into (first, last); "Last, First" is understood.

    Args:
        value: the full name as given.

    Returns:
        Normalized first and last names, each possibly None.
    """
    if not isinstance(value, str) or not value.strip():
        return None, None
    parsed = HumanName(value)
    first = normalize_name(parsed.first)
    last = normalize_name(" ".join(p for p in (parsed.middle if not parsed.first else "", parsed.last) if p))
    return first, last


@dataclass(frozen=True)
class NicknameIndex:
    """Names directly related as name and nickname, in either direction ("bill" ~ "william").

    The package's table lists some pairs both ways (bill -> robert and robert -> bill), so shared
    neighbours alone would make William and Robert compatible through Bill; two names are compatible
    when related directly or through a common name longer than both, i.e. their formal name.
    """

    related: Mapping[str, frozenset[str]]

    def neighbours(self, name: str) -> frozenset[str]:
        return self.related.get(name, frozenset())

    def compatible(self, a: str, b: str) -> bool:
        """Equal, one a nickname of the other, or both nicknames of one formal name (Bob ~ Bobby ~ Robert)."""
        if a == b or b in self.neighbours(a):
            return True
        longest = max(len(a), len(b))
        return any(len(c) > longest for c in self.neighbours(a) & self.neighbours(b))

    def canonical(self, name: str) -> str:
        """One representative per name, so "bill", "billy" and "william" count as one name: the longest
        related name (the formal one), ties broken alphabetically; a formal name represents itself."""
        formal = [c for c in self.neighbours(name) if len(c) > len(name)]
        return min(formal, key=lambda c: (-len(c), c)) if formal else name


@lru_cache(maxsize=1)
def nickname_index() -> NicknameIndex:
    """The nickname relations of the `nicknames` package (hand-curated English given names).

    Only `has_nickname` relations are used; translations (Robert/Roberto) are left out because two
    people named Juan and John at one company are more likely than one person using both.
    """
    related: dict[str, set[str]] = defaultdict(set)
    for t in name_triplets():
        if t.relationship == "has_nickname" and t.name1 != t.name2:
            related[t.name1].add(t.name2)
            related[t.name2].add(t.name1)
    return NicknameIndex(related={k: frozenset(v) for k, v in related.items()})


def first_names_compatible(a: str, b: str, *, min_similarity: float) -> bool:
    """Whether two normalized first names can belong to one person.

    Args:
        a: normalized first name.
        b: normalized first name.
        min_similarity: Jaro-Winkler similarity at or above which a difference is taken for a typo.

    Returns:
        True for equal names, nicknames, an initial ("j" / "john"), the same first token of a
        double name, or a likely typo.
    """
    if a == b:
        return True
    ta, tb = a.split()[0], b.split()[0]
    if ta == tb or nickname_index().compatible(ta, tb):
        return True
    if (len(ta) == 1 and tb.startswith(ta)) or (len(tb) == 1 and ta.startswith(tb)):
        return True
    # one typo in a longer name ("Mergaret"), but not at the end, where Eric/Erica, Paul/Paula and
    # Maria/Marie differ: those are the siblings and spouses that share a household line
    if min(len(a), len(b)) >= 5 and a[-1] == b[-1] and OSA.distance(a, b) <= 1:
        return True
    if a[:-1] == b[:-1] or (abs(len(a) - len(b)) <= 2 and (a.startswith(b) or b.startswith(a))):
        return False  # Eric/Erica, Paul/Paula, Maria/Marie: similar strings, usually different people
    return JaroWinkler.normalized_similarity(a, b) >= min_similarity


def last_names_compatible(a: str, b: str, *, min_similarity: float) -> bool:
    """Whether two normalized surnames can belong to one person (equal, a typo away, or one contained
    in the other as with double-barrelled names)."""
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return True
    if any(len(t) >= 4 for t in set(a.split()) & set(b.split())):
        return True
    if min(len(a), len(b)) >= 4 and OSA.distance(a, b) <= 1:
        return True
    return JaroWinkler.normalized_similarity(a, b) >= min_similarity


@lru_cache(maxsize=262_144)
def names_conflict(
    first_a: str | None, last_a: str | None, first_b: str | None, last_b: str | None, min_similarity: float
) -> bool:
    """Whether two (first, last) names say "different people", allowing for swapped first and last.

    Missing parts never conflict: an anonymous record is not evidence of a different person.

    Args:
        first_a: normalized first name of one record.
        last_a: normalized last name of that record.
        first_b: normalized first name of the other record.
        last_b: normalized last name of the other record.
        min_similarity: see first_names_compatible.

    Returns:
        True when the first names or the last names are present on both sides and incompatible, in
        the given alignment and, when both records have both parts, in the swapped one too.
    """

    def clash(fa: str | None, la: str | None, fb: str | None, lb: str | None) -> bool:
        first = (
            fa is not None
            and fb is not None
            and not first_names_compatible(fa, fb, min_similarity=min_similarity)
        )
        last = (
            la is not None
            and lb is not None
            and not last_names_compatible(la, lb, min_similarity=min_similarity)
        )
        return first or last

    if not clash(first_a, last_a, first_b, last_b):
        return False
    if None in (first_a, last_a, first_b, last_b):
        return True
    # either record may be the swapped one; trying both keeps the verdict symmetric
    return clash(first_a, last_a, last_b, first_b) and clash(last_a, first_a, first_b, last_b)
