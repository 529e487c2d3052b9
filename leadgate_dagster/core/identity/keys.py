"""Identity keys per lead, and which of them are shared.

A key is a normalized value that, when two leads share it, says "probably the same person": the email
key, E.164 phones, the company domain with the name, a device fingerprint or cookie. Each key is computed
once per distinct raw value (pandas factorize + dict map), so a million leads cost as many calls as they
have distinct values. Keys such as info@acme.com, a company switchboard or a trade-show kiosk are used by
many people; a key seen with more distinct names than the ruleset allows is *shared* and stops counting
as evidence, which is what keeps connected components from chaining strangers together.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import phonenumbers
import pycountry
from anyascii import anyascii

from leadgate_dagster.core.identity.names import nickname_index, normalize_name, split_full_name
from leadgate_dagster.core.identity.places import normalize_dob, normalize_street
from leadgate_dagster.core.identity.settings import IdentitySettings
from leadgate_dagster.core.validation.data import mail_providers, role_locals

KEY_COLUMNS: tuple[str, ...] = (
    "first",
    "last",
    "email",
    "domain",
    "company",
    "phone_1",
    "phone_2",
    "device_1",
    "device_2",
    "ip",
    "city",
    "region",
    "postal",
    "name_sig",
    "email_2",
    "phone_3",
    "dob",
    "street",
    "address",
    "title",
)
_LEGAL = frozenset(
    ["inc", "incorporated", "llc", "ltd", "limited", "gmbh", "ag", "sa", "sas", "sarl", "bv", "nv", "plc", "corp", "corporation", "co", "company", "oy", "ab", "as", "srl", "spa", "kg", "pty", "sp", "z", "o", "oo", "the", "group", "holdings"]
)
_COUNTRY_ALIASES = {
    "uk": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "greatbritain": "GB",
    "usa": "US",
    "us": "US",
    "america": "US",
    "unitedstatesofamerica": "US",
    "deutschland": "DE",
    "sverige": "SE",
    "polska": "PL",
    "espana": "ES",
    "osterreich": "AT",
    "schweiz": "CH",
    "suisse": "CH",
    "nederland": "NL",
    "italia": "IT",
    "brasil": "BR",
    "mexico": "MX",
}
_MULTI_PART_SUFFIX = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ltd", "plc"})


# The lead fields the identity engine reads (any may be absent).
IDENTITY_FIELDS = ("first_name", "last_name", "full_name", "email", "phone", "mobile", "company", "website", "city",
                   "region", "postal_code", "country", "device_fingerprint", "cookie_id", "ip", "date_of_birth",
                   "street", "job_title")
# Identity-bearing columns that are not stored lead fields: a file's second email and phone (`leadgate dedupe`
# maps their headers, see SECONDARY_HEADERS).
SECONDARY_FIELDS = ("other_email", "other_phone")
SECONDARY_HEADERS: dict[str, tuple[str, ...]] = {
    "other_email": ("Secondary Email", "Email 2", "Other Email", "Alternate Email", "Alternative Email",
                    "Personal Email 2", "Additional Email", "Email2", "Work Email 2", "Private Email"),
    "other_phone": ("Secondary Phone", "Phone 2", "Other Phone", "Alternate Phone", "Alternative Phone",
                    "Home Phone", "Additional Phone", "Phone2", "Fax", "Direct Dial", "Direct Line"),
}

def _map_unique(values: list[Any], fn: Callable[[Any], Hashable | None]) -> list[Any]:
    """Apply fn once per distinct non-null value; the rest is a dict lookup (plain lists: a one-lead batch
    must not pay pandas' per-call overhead, and a million leads cost as many calls as distinct values)."""
    table = {v: fn(v) for v in dict.fromkeys(values) if v is not None}
    return [None if v is None else table[v] for v in values]


def email_key(value: str) -> str | None:
    """The address as the mailbox sees it: lowercased, and for providers that ignore them (the mail
    provider table shared with validation) without +tags and dots, under the provider's key domain."""
    text = value.strip().lower().removeprefix("mailto:").strip("<> ")
    if text.count("@") != 1:
        return None
    local, domain = text.split("@")
    domain = domain.rstrip(".")
    provider = mail_providers().get(domain)
    if provider is not None:
        if provider["subaddress"]:
            local = local.split("+", 1)[0]
        if provider["ignore_dots"]:
            local = local.replace(".", "")
        domain = str(provider["key_domain"])
    if not local or "." not in domain:
        return None
    return f"{local}@{domain}"


def free_mail_domains(settings: IdentitySettings) -> frozenset[str]:
    """Domains that say nothing about an employer: the free providers of the shared table plus the
    ruleset's extras. Without this, "gmail.com + John + Smith" would pass for a company domain."""
    return frozenset(d for d, p in mail_providers().items() if p["free"]) | settings.free_mail_domains_extra


def domain_root(host: str) -> str | None:
    """The registrable part of a host: mail.eu.acme.com -> acme.com, www.acme.co.uk -> acme.co.uk."""
    labels = [p for p in host.lower().strip(". ").split(".") if p]
    if len(labels) < 2:
        return None
    keep = 3 if len(labels) >= 3 and labels[-2] in _MULTI_PART_SUFFIX and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def website_domain(value: str) -> str | None:
    """The registrable domain of a website field ("https://www.acme.com/contact" -> "acme.com")."""
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value.strip().lower()).split("/")[0].split(":")[0]
    return domain_root(host.split("@")[-1]) if "." in host else None


def normalize_company(value: str) -> str | None:
    """Company name without legal form, punctuation, accents or case ("Acme, Inc." -> "acme")."""
    text = anyascii(value).lower().replace("&", " and ").replace(".", "")
    tokens = [t for t in re.sub(r"[^a-z0-9 ]+", " ", text).split() if t not in _LEGAL]
    return " ".join(tokens) or None


@lru_cache(maxsize=512)
def country_code(value: str) -> str | None:
    """ISO alpha-2 code for a country as written in lead files ("Deutschland", "U.S.", "gb")."""
    folded = re.sub(r"[^a-z]", "", anyascii(value).lower())
    if folded in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[folded]
    try:
        return str(pycountry.countries.lookup(value.strip()).alpha_2)
    except LookupError:
        return None


def phone_e164(value: str, region: str) -> str | None:
    """E.164 form of a phone number; national formats are read in the lead's country.

    A possible (right-length) number is enough: a key only has to be the same for the same line.
    """
    text = value.strip()
    if text.startswith("00"):  # the international prefix of most of the world, though not of the US
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def ip_hmac(value: str, key: bytes) -> str | None:
    """Keyed HMAC of a normalized IP address, so the graph can compare IPs without storing them."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    return hmac.new(key, address.compressed.encode(), hashlib.sha256).hexdigest()[:32]


def _text_column(leads: pd.DataFrame, name: str) -> list[str | None]:
    """The field as strings, None where it is absent, null or blank."""
    if name not in leads.columns:
        return [None] * len(leads)
    return [None if v is None or v is pd.NA or v != v or not str(v).strip() else str(v)
            for v in leads[name].tolist()]


def build_keys(leads: pd.DataFrame, settings: IdentitySettings, ip_key: bytes | None = None) -> pd.DataFrame:
    """Normalized names, keys and locality of each lead, one row per lead, index kept.

    Args:
        leads: raw lead fields (see resolve_identities); any column may be absent.
        settings: identity settings (free-mail domains, default phone region).
        ip_key: secret for the IP HMAC; without it no IP key is computed.

    Returns:
        A DataFrame with KEY_COLUMNS (object dtype, None for missing).
    """
    col = {name: _text_column(leads, name) for name in (*IDENTITY_FIELDS, *SECONDARY_FIELDS)}
    out: dict[str, list[Any]] = {}
    first, last = _map_unique(col["first_name"], normalize_name), _map_unique(col["last_name"], normalize_name)
    split = _map_unique(col["full_name"], split_full_name)
    no_name = [f is None and la is None and s is not None for f, la, s in zip(first, last, split, strict=True)]
    out["first"] = [s[0] if n else f for f, s, n in zip(first, split, no_name, strict=True)]
    out["last"] = [s[1] if n else la for la, s, n in zip(last, split, no_name, strict=True)]
    out["email"] = _map_unique(col["email"], email_key)
    out["email_2"] = _map_unique(col["other_email"], email_key)
    free = free_mail_domains(settings)
    company_domain = [None if e is None or (d := e.split("@")[1]) in free else d for e in out["email"]]
    website = _map_unique(col["website"], website_domain)
    out["domain"] = [d if d is not None else w for d, w in zip(company_domain, website, strict=True)]
    out["company"] = _map_unique(col["company"], normalize_company)
    out["city"] = _map_unique(col["city"], normalize_name)
    # an account list names a site "Acme Dental - Franklin": the site's own city is no part of the company
    out["company"] = [_without_city(c, t) for c, t in zip(out["company"], out["city"], strict=True)]
    region = [r or settings.default_phone_region for r in _map_unique(col["country"], country_code)]
    for i, name in enumerate(("phone", "mobile", "other_phone"), start=1):
        pairs = [None if v is None else (v, r) for v, r in zip(col[name], region, strict=True)]
        out[f"phone_{i}"] = _map_unique(pairs, lambda pair: phone_e164(*pair))
    for i, name in enumerate(("device_fingerprint", "cookie_id"), start=1):
        out[f"device_{i}"] = _map_unique(
            col[name], lambda v, ns=i: f"{ns}:{v.strip().lower()}" if len(v.strip()) >= 8 else None
        )
    out["ip"] = _map_unique(col["ip"], lambda v: ip_hmac(v, ip_key)) if ip_key else [None] * len(leads)
    out["region"] = _map_unique(col["region"], normalize_name)
    out["postal"] = _map_unique(col["postal_code"], lambda v: re.sub(r"[^0-9A-Z]", "", v.upper()) or None)
    out["name_sig"] = _name_signatures(out["first"], out["last"])
    out["dob"] = _map_unique(col["date_of_birth"], lambda v: normalize_dob(v, day_first=settings.dob_day_first))
    out["street"] = _map_unique(col["street"], normalize_street)
    out["address"] = [None if st is None else f"{st}|{p or c or ''}"
                      for st, p, c in zip(out["street"], out["postal"], out["city"], strict=True)]
    out["title"] = _map_unique(col["job_title"], normalize_name)
    return pd.DataFrame(out, index=leads.index, columns=list(KEY_COLUMNS), dtype=object)


def _without_city(company: str | None, city: str | None) -> str | None:
    if company is None or city is None or not company.endswith(" " + city):
        return company
    return company[: -len(city) - 1] or company


def _name_signatures(first: list[str | None], last: list[str | None]) -> list[str | None]:
    """A name per person rather than per spelling: nickname family of the first token plus surname, in
    either order, so "Bill Smith", "William Smith" and "Smith William" count once."""
    nick = nickname_index()
    canon = _map_unique(first, lambda f: nick.canonical(f.split()[0]))
    out: list[str | None] = []
    for f, c, la in zip(first, canon, last, strict=True):
        if f is None and la is None:
            out.append(None)
            continue
        a, b = c or "", la or ""
        out.append(f"{b}|{a}" if a > b else f"{a}|{b}")
    return out


# the keys that can be shared, by type: the whole-file engine, the graph's tables and its lookups all use these
KEY_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("email", ("email", "email_2")),
    ("phone", ("phone_1", "phone_2", "phone_3")),
    ("device", ("device_1", "device_2")),
    ("address", ("address",)),
)


def company_slugs(keys: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Company keys that agree between "Acme Analytics Inc." and acmeanalytics.com: the company name
    without spaces, and the first label of the company domain (None where missing)."""
    by_name = [c.replace(" ", "") if isinstance(c, str) else None for c in keys["company"].tolist()]
    by_domain = [d.split(".")[0] if isinstance(d, str) else None for d in keys["domain"].tolist()]
    return (pd.Series(by_name, index=keys.index, dtype=object),
            pd.Series(by_domain, index=keys.index, dtype=object))


def full_names(keys: pd.DataFrame) -> list[str | None]:
    """"first last" per record (None without either): what the graph stores and looks up by trigrams."""
    return [f"{f or ''} {la or ''}".strip() or None for f, la in zip(keys["first"], keys["last"], strict=True)]


def personal_mailboxes(keys: pd.DataFrame, shared: pd.DataFrame) -> list[str | None]:
    """Per record, its email key when it is a person's mailbox at the company domain (not free-mail, not a
    role address, not shared), else None; a person has one, so two at one domain mean two people."""
    shared_emails = set(shared.loc[shared["key_type"] == "email", "key"])
    roles = role_locals()
    out: list[str | None] = []
    for email, domain in zip(keys["email"].tolist(), keys["domain"].tolist(), strict=True):
        mine = isinstance(email, str) and email not in shared_emails
        local, _, at = email.partition("@") if mine else ("", "", "")
        out.append(email if mine and at == domain and local not in roles else None)
    return out


def shared_keys(keys: pd.DataFrame, settings: IdentitySettings) -> pd.DataFrame:
    """Keys seen with more distinct names than `shared_key_max_names`.

    Args:
        keys: the output of build_keys for the batch (or batch plus the graph's records).
        settings: carries the threshold.

    Returns:
        One row per shared key: key_type ('email' | 'phone' | 'device' | 'address'), key, distinct_names; by
        type, then key.
    """
    signatures = keys["name_sig"].tolist()
    rows: list[tuple[str, str, int]] = []
    for key_type, columns in KEY_GROUPS:
        names: dict[str, set[str]] = {}
        for c in columns:
            for key, sig in zip(keys[c].tolist(), signatures, strict=True):
                if isinstance(key, str) and isinstance(sig, str):
                    names.setdefault(key, set()).add(sig)
        rows += sorted((key_type, k, len(v)) for k, v in names.items() if len(v) > settings.shared_key_max_names)
    return pd.DataFrame({"key_type": [r[0] for r in rows], "key": [r[1] for r in rows],
                         "distinct_names": np.array([r[2] for r in rows], dtype=np.int64)})


def has_shared_key(keys: pd.DataFrame, shared: pd.DataFrame) -> np.ndarray:
    """Per record of `keys`: is any of its email, phone or device keys one of the `shared` keys?"""
    hit = np.zeros(len(keys), dtype=bool)
    for key_type, columns in KEY_GROUPS:
        values = set(shared.loc[shared["key_type"] == key_type, "key"])
        if values:
            for c in columns:
                hit |= np.fromiter((v in values for v in keys[c].tolist()), dtype=bool, count=len(keys))
    return hit
