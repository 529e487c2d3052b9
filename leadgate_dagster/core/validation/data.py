"""The lists shipped in `leadgate_dagster/data/`, each read once per process.

Files are plain text (one entry a line, `#` comments), CSV or YAML; `data/README.md` gives each one's source
and licence. Readers return frozen containers so no caller can change a shared list.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

_PACKAGE = "leadgate_dagster.data"


def _text(name: str) -> str:
    return resources.files(_PACKAGE).joinpath(name).read_text("utf-8")


def _lines(name: str) -> list[str]:
    out = []
    for line in _text(name).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _rows(name: str) -> list[dict[str, str]]:
    body = "\n".join(line for line in _text(name).splitlines() if not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(body)))


@lru_cache(maxsize=1)
def iana_tlds() -> frozenset[str]:
    """Top-level domains of the IANA root zone, lowercased ASCII (IDN TLDs in their xn-- form)."""
    return frozenset(t.lower() for t in _lines("tlds-alpha-by-domain.txt"))


@lru_cache(maxsize=1)
def role_locals() -> frozenset[str]:
    return frozenset(_lines("role_locals.txt"))


@lru_cache(maxsize=1)
def fake_locals() -> frozenset[str]:
    return frozenset(_lines("fake_locals.txt"))


@lru_cache(maxsize=1)
def mail_providers() -> dict[str, dict[str, Any]]:
    """domain -> {"free": bool, "subaddress": bool, "ignore_dots": bool, "key_domain": str}."""
    return {
        r["domain"]: {
            "free": r["free"] == "1",
            "subaddress": r["subaddress"] == "1",
            "ignore_dots": r["ignore_dots"] == "1",
            "key_domain": r["key_domain"],
        }
        for r in _rows("mail_providers.csv")
    }


@lru_cache(maxsize=1)
def common_domains() -> tuple[str, ...]:
    return tuple(_lines("common_domains.txt"))


@lru_cache(maxsize=1)
def common_tlds() -> tuple[str, ...]:
    return tuple(_lines("common_tlds.txt"))


@lru_cache(maxsize=1)
def disposable_domains() -> frozenset[str]:
    """The disposable-email-domains package's blocklist (imported lazily: 10k entries)."""
    from disposable_email_domains import blocklist

    return frozenset(blocklist)


@lru_cache(maxsize=1)
def placeholder_names() -> tuple[frozenset[str], frozenset[str]]:
    """(single placeholder tokens, whole placeholder names), lowercased."""
    entries = _lines("placeholder_names.txt")
    return frozenset(e for e in entries if " " not in e), frozenset(e for e in entries if " " in e)


@lru_cache(maxsize=1)
def profanity() -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    """(single-word entries, multi-word entries as token tuples), lowercased."""
    words = [w.lower() for w in _lines("profanity_en.txt")]
    single = frozenset(w for w in words if " " not in w)
    multi = tuple(tuple(w.split()) for w in words if " " in w)
    return single, multi


@lru_cache(maxsize=1)
def profanity_allowlist() -> frozenset[str]:
    return frozenset(w.lower() for w in _lines("profanity_allowlist.txt"))


@lru_cache(maxsize=1)
def postal_rules() -> dict[str, Any]:
    body: dict[str, Any] = yaml.safe_load(_text("postal_codes.yaml"))
    return body


@lru_cache(maxsize=1)
def country_aliases() -> dict[str, str]:
    return {r["alias"]: r["iso2"] for r in _rows("country_aliases.csv")}


@lru_cache(maxsize=1)
def legal_suffixes() -> tuple[str, ...]:
    # longest first, so "pty ltd" is removed before "ltd" would leave "pty"
    return tuple(sorted(_lines("legal_suffixes.txt"), key=len, reverse=True))


@lru_cache(maxsize=1)
def job_title_rules() -> dict[str, dict[str, list[str]]]:
    body: dict[str, dict[str, list[str]]] = yaml.safe_load(_text("job_titles.yaml"))
    return body


@lru_cache(maxsize=1)
def well_known_mx() -> dict[str, tuple[str, tuple[str, ...]]]:
    """domain -> (status, mx hosts) for the offline MX provider."""
    return {
        r["domain"]: (r["status"], tuple(h for h in (r["mx_hosts"] or "").split(";") if h))
        for r in _rows("well_known_mx.csv")
    }
