"""Name checks: split full names, normalize case, and flag junk per distinct name part.

Names are judged per part (first, last), once per distinct value: junk (keyboard mash, repeated characters,
placeholders, profanity as whole words, digits, stray symbols, length out of bounds) quarantines a lead but
never rejects it. Lengths are counted in grapheme clusters and bounded per script, so a one-character CJK
given name and "Zoë" (with a combining diaeresis) are judged by what a reader sees.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from leadgate_dagster.core.rules.validation import NameChecks
from leadgate_dagster.core.validation import data
from leadgate_dagster.core.validation.patterns import keyboard_run, longest_char_run, repeated_unit

Finding = tuple[str, str]

_PUNCT_OK = frozenset(" -'’ʼ.\u200c\u200d")
_WORDS = re.compile(r"[\s\-'’ʼ.]+")
_SCRIPT_PREFIXES = (("LATIN", "latin"), ("CYRILLIC", "cyrillic"), ("GREEK", "greek"), ("CJK", "cjk"),
                    ("HIRAGANA", "cjk"), ("KATAKANA", "cjk"), ("HANGUL", "cjk"))
_VOWELS = frozenset("aeiouy")
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "das", "di", "del", "della", "la", "le", "du",
                        "dos", "ter", "ten", "bin", "al"})


@dataclass(frozen=True, slots=True)
class NameResult:
    first: str | None
    last: str | None
    status: str  # valid / junk / missing
    findings: tuple[Finding, ...]


def script_of(text: str) -> str:
    """The script most letters of `text` are written in: latin, cyrillic, greek, cjk or other."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            script = next((s for p, s in _SCRIPT_PREFIXES if name.startswith(p)), "other")
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda s: counts[s]) if counts else "other"


def graphemes(text: str) -> int:
    """Number of user-perceived characters (extended grapheme clusters), not code points."""
    import regex

    return len(regex.findall(r"\X", text))


def _fold(text: str) -> str:
    """Lowercased, accents removed: "Zoë" -> "zoe" (for vowel and list checks only)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _nameparser_words() -> frozenset[str]:
    from nameparser.config import CONSTANTS

    return frozenset(CONSTANTS.titles) | frozenset(CONSTANTS.suffix_acronyms) | frozenset(
        CONSTANTS.suffix_not_acronyms) | frozenset(CONSTANTS.prefixes) | frozenset(CONSTANTS.conjunctions)


@lru_cache(maxsize=100_000)
def split_full_name(full: str) -> tuple[str | None, str | None]:
    """(first, last) of a full name; plain "First Last" directly, anything else with nameparser."""
    tokens = full.split()
    if len(tokens) == 2 and "," not in full and script_of(full) != "cjk":
        words = _nameparser_words()
        if not any(t.lower().strip(".") in words for t in tokens):
            return tokens[0], tokens[1]
    from nameparser import HumanName

    h = HumanName(full)
    return (h.first or None), (h.last or None)


def smart_case(part: str) -> str:
    """Title-case a part written all upper or all lower ("o'BRIEN" stays; "MCDONALD" -> "McDonald")."""
    if not (part.isupper() or part.islower()) or script_of(part) not in ("latin", "cyrillic", "greek"):
        return part
    words = []
    for i, word in enumerate(re.split(r"(\s+|-|'|’)", part)):
        low = word.lower()
        if i and low in _PARTICLES:
            words.append(low)
        elif low.startswith("mc") and len(low) > 3:
            words.append("Mc" + low[2:].capitalize())
        else:
            words.append(low.capitalize())
    return "".join(words)


class NameChecker:
    """Judges name parts against one ruleset; caches per distinct part within the checker."""

    def __init__(self, rules: NameChecks) -> None:
        self._rules = rules
        singles, wholes = data.placeholder_names()
        self._placeholders = singles | rules.placeholders_extra
        self._placeholder_names = wholes
        words, phrases = data.profanity()
        self._profane = words - data.profanity_allowlist() - rules.profanity_allowlist_extra
        self._phrases = phrases
        self._phrase_starts = frozenset(p[0] for p in phrases)
        self._parts: dict[tuple[str, str], tuple[Finding, ...]] = {}

    def part_findings(self, part: str, which: str) -> tuple[Finding, ...]:
        """Findings on one name part; `which` is "first" or "last" (initials are fine as first names)."""
        key = (part, which)
        cached = self._parts.get(key)
        if cached is None:
            if len(self._parts) >= 200_000:
                self._parts.clear()
            cached = self._parts[key] = tuple(self._judge(part, which))
        return cached

    def _judge(self, part: str, which: str) -> list[Finding]:
        r = self._rules
        out: list[Finding] = []
        if any(c.isdigit() for c in part):
            out.append(("NAME_HAS_DIGITS", which))
        if any(not (c.isalpha() or c.isdigit() or c in _PUNCT_OK or unicodedata.category(c)[0] == "M")
               for c in part):
            out.append(("NAME_INVALID_CHARS", which))
        words = [w for w in _WORDS.split(_fold(part)) if w]
        letters = "".join(c for c in _fold(part) if c.isalpha())
        script = script_of(part)
        if keyboard_run(letters) >= r.keyboard_run_min or (
                script == "latin" and len(letters) >= r.no_vowel_min_chars and not set(letters) & _VOWELS):
            out.append(("NAME_KEYBOARD_MASH", which))
        if longest_char_run(letters) > r.max_repeated_chars or (len(letters) >= 6 and repeated_unit(letters)):
            out.append(("NAME_REPEATED_CHARS", which))
        if _fold(part).strip(" .") in self._placeholders or any(w in self._placeholders for w in words
                                                                   if len(words) > 1 and len(w) > 3):
            out.append(("NAME_PLACEHOLDER", which))
        if r.check_profanity and any(w in self._profane for w in words):
            out.append(("NAME_PROFANITY", which))
        core = "".join(c for c in part if c not in _PUNCT_OK)
        size = graphemes(core)
        initial = r.allow_initials and which == "first" and size == 1 and script == "latin"
        if size < r.min_graphemes.get(script, r.min_graphemes.get("other", 1)) and not initial:
            out.append(("NAME_TOO_SHORT", which))
        if size > r.max_graphemes.get(script, r.max_graphemes.get("other", 50)):
            out.append(("NAME_TOO_LONG", which))
        return out

    def check(self, first: str | None, last: str | None, full: str | None) -> NameResult:
        """The verdict on one lead's name fields (cleaned); full_name fills a missing first or last."""
        if (first is None or last is None) and full is not None:
            f2, l2 = split_full_name(full)
            first, last = first or f2, last or l2
        if first is None and last is None:
            return NameResult(None, None, "missing", (("NAME_MISSING", "name"),))
        findings: list[Finding] = []
        if first is not None:
            findings.extend(self.part_findings(first, "first"))
        if last is not None:
            findings.extend(self.part_findings(last, "last"))
        whole = _fold(f"{first or ''} {last or ''}").strip()
        tokens = tuple(w for w in _WORDS.split(whole) if w)
        if whole in self._placeholder_names and not any(c == "NAME_PLACEHOLDER" for c, _ in findings):
            findings.append(("NAME_PLACEHOLDER", "full"))
        if (self._rules.check_profanity and len(tokens) > 1 and self._phrase_starts.intersection(tokens)
                and any(tokens[i:i + len(p)] == p for p in self._phrases for i in range(len(tokens)))):
            findings.append(("NAME_PROFANITY", "full"))
        first_n = smart_case(first) if first else None
        last_n = smart_case(last) if last else None
        return NameResult(first_n, last_n, "junk" if findings else "valid", tuple(findings))


_CHECKERS: dict[int, NameChecker] = {}


def name_checker(rules: NameChecks) -> NameChecker:
    """The shared checker of a ruleset's name rules, so part verdicts stay warm across batches."""
    checker = _CHECKERS.get(id(rules))
    if checker is None or checker._rules is not rules:
        checker = _CHECKERS[id(rules)] = NameChecker(rules)
    return checker
