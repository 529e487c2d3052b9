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

import numpy as np
import pandas as pd
import phonenumbers
import pycountry
from anyascii import anyascii

from leadgate_dagster.core.identity.names import nickname_index, normalize_name, split_full_name
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
                   "region", "postal_code", "country", "device_fingerprint", "cookie_id", "ip")

def _map_unique(values: pd.Series, fn: Callable[[str], Hashable | None]) -> pd.Series:
    """Apply fn once per distinct non-null string; the rest is a hash lookup."""
    present = values[values.notna()]
    uniques = pd.unique(present.astype(str))
    return values.astype(object).where(values.notna(), None).map(dict(zip(uniques, map(fn, uniques))))


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


def _text_column(leads: pd.DataFrame, name: str) -> pd.Series:
    if name not in leads.columns:
        return pd.Series(None, index=leads.index, dtype=object)
    col = leads[name].astype(object)
    return col.where(col.notna() & (col.astype(str).str.strip() != ""), None)


def build_keys(leads: pd.DataFrame, settings: IdentitySettings, ip_key: bytes | None = None) -> pd.DataFrame:
    """Normalized names, keys and locality of each lead, one row per lead, index kept.

    Args:
        leads: raw lead fields (see resolve_identities); any column may be absent.
        settings: identity settings (free-mail domains, default phone region).
        ip_key: secret for the IP HMAC; without it no IP key is computed.

    Returns:
        A DataFrame with KEY_COLUMNS (object dtype, None for missing).
    """
    col = {name: _text_column(leads, name) for name in IDENTITY_FIELDS}
    out = pd.DataFrame(index=leads.index)
    out["first"] = _map_unique(col["first_name"], normalize_name)
    out["last"] = _map_unique(col["last_name"], normalize_name)
    split = _map_unique(col["full_name"], split_full_name)
    no_name = out["first"].isna() & out["last"].isna() & split.notna()
    out.loc[no_name, "first"] = split[no_name].map(lambda t: t[0])
    out.loc[no_name, "last"] = split[no_name].map(lambda t: t[1])
    out["email"] = _map_unique(col["email"], email_key)
    email_domain = out["email"].map(lambda e: e.split("@")[1] if isinstance(e, str) else None)
    company_domain = email_domain.where(~email_domain.isin(free_mail_domains(settings)), None)
    out["domain"] = company_domain.where(company_domain.notna(), _map_unique(col["website"], website_domain))
    out["company"] = _map_unique(col["company"], normalize_company)
    region = _map_unique(col["country"], country_code).fillna(settings.default_phone_region)
    for i, name in enumerate(("phone", "mobile"), start=1):
        pair = (col[name].fillna("").astype(str) + "\x1f" + region).where(col[name].notna(), None)
        out[f"phone_{i}"] = _map_unique(pair, lambda v: phone_e164(*v.split("\x1f")))
    for i, name in enumerate(("device_fingerprint", "cookie_id"), start=1):
        out[f"device_{i}"] = _map_unique(
            col[name], lambda v, ns=i: f"{ns}:{v.strip().lower()}" if len(v.strip()) >= 8 else None
        )
    out["ip"] = _map_unique(col["ip"], lambda v: ip_hmac(v, ip_key)) if ip_key else None
    out["city"] = _map_unique(col["city"], normalize_name)
    out["region"] = _map_unique(col["region"], normalize_name)
    out["postal"] = _map_unique(col["postal_code"], lambda v: re.sub(r"[^0-9A-Z]", "", v.upper()) or None)
    out["name_sig"] = _name_signature(out["first"], out["last"])
    return out[list(KEY_COLUMNS)].astype(object).where(out.notna(), None)


def _name_signature(first: pd.Series, last: pd.Series) -> pd.Series:
    """A name per person rather than per spelling: nickname family of the first token plus surname, in
    either order, so "Bill Smith", "William Smith" and "Smith William" count once."""
    nick = nickname_index()
    canon = _map_unique(first, lambda f: nick.canonical(f.split()[0]))
    a = canon.fillna("").to_numpy(dtype=object)
    b = last.fillna("").to_numpy(dtype=object)
    swap = a > b
    sig = pd.Series(np.where(swap, b, a) + "|" + np.where(swap, a, b), index=first.index, dtype=object)
    return sig.where(first.notna() | last.notna(), None)


def _role(emails: np.ndarray) -> np.ndarray:
    """Whether each email key is a role address (info@, sales@: the shared role list of validation)."""
    local = pd.Series(emails, dtype=object).str.split("@").str[0]
    return local.isin(role_locals()).to_numpy()


def personal_mailboxes(keys: pd.DataFrame, shared: pd.DataFrame) -> list[str | None]:
    """Per record, its email key when it is a person's mailbox at the company domain (not free-mail, not a
    role address, not shared), else None; a person has one, so two at one domain mean two people."""
    email = keys["email"]
    domain = email.str.split("@").str[1]
    shared_emails = set(shared.loc[shared["key_type"] == "email", "key"])
    mine = email.notna() & (domain == keys["domain"]) & ~_role(email.to_numpy()) & ~email.isin(shared_emails)
    return [e if ok else None for e, ok in zip(email, mine)]


def shared_keys(keys: pd.DataFrame, settings: IdentitySettings) -> pd.DataFrame:
    """Keys seen with more distinct names than `shared_key_max_names`.

    Args:
        keys: the output of build_keys for the batch (or batch plus the graph's records).
        settings: carries the threshold.

    Returns:
        One row per shared key: key_type ('email' | 'phone' | 'device'), key, distinct_names.
    """
    frames = []
    for key_type, columns in (
        ("email", ["email"]),
        ("phone", ["phone_1", "phone_2"]),
        ("device", ["device_1", "device_2"]),
    ):
        long = pd.concat([keys[[c, "name_sig"]].set_axis(["key", "name_sig"], axis=1) for c in columns])
        long = long.dropna(subset=["key", "name_sig"]).drop_duplicates()
        counts = long.groupby("key", sort=True)["name_sig"].nunique()
        counts = counts[counts > settings.shared_key_max_names]
        frames.append(
            pd.DataFrame({"key_type": key_type, "key": counts.index, "distinct_names": counts.values})
        )
    return pd.concat(frames, ignore_index=True)


def has_shared_key(keys: pd.DataFrame, shared: pd.DataFrame) -> np.ndarray:
    """Per record of `keys`: is any of its email, phone or device keys one of the `shared` keys?"""
    hit = np.zeros(len(keys), dtype=bool)
    for key_type, columns in (("email", ["email"]), ("phone", ["phone_1", "phone_2"]),
                              ("device", ["device_1", "device_2"])):
        values = set(shared.loc[shared["key_type"] == key_type, "key"])
        for c in columns:
            hit |= keys[c].isin(values).to_numpy()
    return hit
