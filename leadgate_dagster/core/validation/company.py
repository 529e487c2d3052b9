"""Company name normalization, company domain, and job title to seniority and department (for ICP fit)."""

from __future__ import annotations

import re
from functools import lru_cache

from leadgate_dagster.core.validation import data

_PUNCT = re.compile(r"[.,]")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_TITLE_SPLIT = re.compile(r"[^\w&]+")


@lru_cache(maxsize=100_000)
def normalize_company(name: str) -> str | None:
    """"ACME, INC." -> "Acme"; legal-form suffixes removed, shouting and all-lowercase re-cased.

    Short all-caps words (IBM, SAP) keep their case; a name that is only a legal form stays as given.
    """
    text = re.sub(r"\s+", " ", name).strip(" ,.-")
    suffixes = data.legal_suffixes()
    changed = True
    while changed:
        changed = False
        folded = _PUNCT.sub("", text.lower()).strip()
        for suffix in suffixes:
            if folded.endswith(" " + suffix):
                cut = _cut_suffix(text, suffix)
                if cut:
                    text, changed = cut, True
                    break
    if not text:
        return None
    if text.isupper() or text.islower():
        text = " ".join(w if (w.isupper() and len(w) <= 4 and text.isupper() and len(text.split()) > 1)
                        else w.capitalize() for w in text.split(" "))
    return text


def _cut_suffix(text: str, suffix: str) -> str | None:
    words = text.split(" ")
    n = len(suffix.split(" "))
    if len(words) <= n:
        return None
    tail = _PUNCT.sub("", " ".join(words[-n:]).lower())
    if tail != suffix:
        return None
    return " ".join(words[:-n]).strip(" ,.-&") or None


@lru_cache(maxsize=100_000)
def website_domain(url: str) -> str | None:
    """The lowercased ASCII host of a website field ("https://www.Acme.com/about" -> "acme.com"), or None."""
    text = _SCHEME.sub("", url.strip())
    host = re.split(r"[/?#]", text, maxsplit=1)[0].rsplit("@", 1)[-1]
    host = host.split(":", 1)[0].strip(".").lower()
    host = host.removeprefix("www.")
    if not host or "." not in host or " " in host:
        return None
    from leadgate_dagster.core.validation.email_syntax import ParsedEmail, parse_email

    parsed = parse_email(f"a@{host}")
    return parsed.ascii_domain if isinstance(parsed, ParsedEmail) else None


@lru_cache(maxsize=1)
def _title_rules() -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    rules = data.job_title_rules()
    sen = tuple((level, tuple(p.lower() for p in phrases)) for level, phrases in rules["seniority"].items())
    dep = tuple((d, tuple(p.lower() for p in phrases)) for d, phrases in rules["departments"].items())
    return sen, dep


@lru_cache(maxsize=100_000)
def classify_title(title: str) -> tuple[str | None, str | None]:
    """(seniority, department) of a job title by whole-word phrases ("VP, Sales" -> ("vp", "sales"))."""
    words = " " + " ".join(w for w in _TITLE_SPLIT.split(title.lower()) if w) + " "
    if not words.strip():
        return None, None
    seniority_rules, department_rules = _title_rules()
    seniority = next((lvl for lvl, ps in seniority_rules if any(f" {p} " in words for p in ps)), "individual")
    department = next((d for d, ps in department_rules if any(f" {p} " in words for p in ps)), None)
    return seniority, department
