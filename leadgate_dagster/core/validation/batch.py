"""validate_batch: every check on a whole batch of leads, computed per distinct value and mapped back.

No network and no database: DNS facts come in as the `mx` mapping the caller looked up for the batch's
distinct domains (`email_domains`). Nothing a hostile file holds makes this raise; every lead gets a status
per field and, when a field is not valid, at least one reason code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pandas as pd

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.validation.address import AddressResult, check_address, country_iso2
from leadgate_dagster.core.validation.assemble import Reasoner, channels
from leadgate_dagster.core.validation.company import classify_title, normalize_company, website_domain
from leadgate_dagster.core.validation.config import ValidationConfig, validation_config
from leadgate_dagster.core.validation.email import email_checker
from leadgate_dagster.core.validation.mx import MxResult
from leadgate_dagster.core.validation.names import name_checker
from leadgate_dagster.core.validation.phone import PhoneChecker, PhoneResult, pick_phone
from leadgate_dagster.core.validation.regions import phone_region
from leadgate_dagster.core.validation.text import clean, map_column, map_unique

FIELDS = ("first_name", "last_name", "full_name", "email", "phone", "mobile", "country", "street", "city",
          "region", "postal_code", "company", "website", "job_title")


class ValidationOutput:
    """The columns `validate_batch` returns, one row per lead with the input's index."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "email_normalized", "email_key", "email_domain", "email_status", "email_flags",
        "phone_e164", "phone_status", "phone_type", "phone_region", "phone_carrier", "phone_timezone",
        "mobile_e164", "first_name_norm", "last_name_norm", "name_status", "country_iso2", "postal_code_norm",
        "address_status", "street_parsed", "company_norm", "company_domain", "seniority", "department",
        "reasons", "checks", "reachable_channels", "ruleset_version")
    EMAIL_STATUSES: ClassVar[frozenset[str]] = frozenset({"valid", "invalid", "risky", "unknown", "missing"})
    PHONE_STATUSES: ClassVar[frozenset[str]] = EMAIL_STATUSES
    NAME_STATUSES: ClassVar[frozenset[str]] = frozenset({"valid", "junk", "missing"})
    ADDRESS_STATUSES: ClassVar[frozenset[str]] = frozenset({"valid", "partial", "invalid", "missing"})


def _cleaned(leads: pd.DataFrame, cfg: ValidationConfig) -> tuple[dict[str, list[Any]], list[list[str]]]:
    n = len(leads)
    values: dict[str, list[Any]] = {}
    too_long: list[list[str]] = [[] for _ in range(n)]
    for field in FIELDS:
        raw = leads[field].tolist() if field in leads.columns else [None] * n
        limit = cfg.max_chars.get(field, 1000)
        pairs = map_column(raw, lambda v, limit=limit: clean(v, limit))  # type: ignore[misc]
        values[field] = [p[0] for p in pairs]
        for i, p in enumerate(pairs):
            if p[1]:
                too_long[i].append(field)
    return values, too_long


def email_domains(leads: pd.DataFrame, rules: Ruleset | None = None) -> set[str]:
    """The ASCII (IDNA) domains of the batch's addresses that DNS should be asked about.

    Domains whose addresses are already invalid before DNS (bad syntax, unknown TLD, disposable,
    blocklisted) are left out, so a batch never spends lookups on them.

    Args:
        leads: the batch, as given to validate_batch.
        rules: the active ruleset; None uses the shipped one.

    Returns:
        Lowercased ASCII domains, each once.
    """
    from leadgate_dagster.core.ruleset import load_ruleset

    cfg = validation_config(rules or load_ruleset())
    raw = leads["email"].tolist() if "email" in leads.columns else []
    limit = cfg.max_chars.get("email", 320)
    checker = email_checker(cfg)
    results = map_unique(raw, lambda v: checker.check(clean(v, limit)[0]))
    return {r.domain for r in results if r.needs_dns and r.domain}


def validate_batch(leads: pd.DataFrame, *, rules: Ruleset,
                   mx: Mapping[str, MxResult] | None = None) -> pd.DataFrame:
    """Validate and normalize one batch of leads.

    Args:
        leads: one row per lead (index = lead id), canonical lead fields as object columns; absent columns
            count as all-None, other columns are ignored.
        rules: the ruleset that judges the batch; its version is recorded on every row.
        mx: MX facts for the batch's email domains (`email_domains`); None means no DNS information, so
            DNS-dependent results are "unknown" with EMAIL_DNS_NOT_CHECKED.

    Returns:
        One row per lead with the columns of ValidationOutput.COLUMNS, same index.
    """
    cfg = validation_config(rules)
    v, too_long = _cleaned(leads, cfg)
    n = len(leads)

    email_judge = email_checker(cfg)
    emails = map_column(v["email"], lambda t: email_judge.with_dns(email_judge.check(t), mx))
    iso = map_column(v["country"], lambda c: country_iso2(c) if c else None)
    regions = [phone_region(iso[i], emails[i].domain, cfg) for i in range(n)]

    phone_checker = PhoneChecker(cfg)
    phones = _phones(v["phone"], regions, phone_checker, "phone")
    mobiles = _phones(v["mobile"], regions, phone_checker, "mobile")

    name_judge = name_checker(cfg.names)
    names = map_unique(list(zip(v["first_name"], v["last_name"], v["full_name"], strict=True)),
                       lambda t: name_judge.check(*t))  # type: ignore[misc]
    addresses: list[AddressResult] = map_unique(
        list(zip(v["street"], v["city"], v["region"], v["postal_code"], v["country"], strict=True)),
        lambda t: check_address(t, cfg.address, cfg.default_region))
    companies = map_column(v["company"], lambda c: normalize_company(c) if c else None)
    sites = map_column(v["website"], lambda w: website_domain(w) if w else None)
    titles = map_column(v["job_title"], lambda t: classify_title(t) if t else (None, None))

    chosen = [pick_phone(p, m) for p, m in zip(phones, mobiles, strict=True)]
    shared = _shared_numbers([c[0].e164 for c in chosen], names, cfg.phone.shared_number_max_names)
    return _assemble(leads.index, rules, cfg, v, too_long, emails, iso, phones, mobiles, chosen, shared,
                     names, addresses, companies, sites, titles)


def _phones(texts: list[str | None], regions: list[str | None], checker: PhoneChecker,
            field: str) -> list[PhoneResult]:
    # a number in international format reads the same in every region: one key for all of them
    keys = [(t, None if t and t.startswith("+") else r) for t, r in zip(texts, regions, strict=True)]
    return map_unique(keys, lambda k: checker.check(k[0], k[1], field))  # type: ignore[index]


def _shared_numbers(e164: list[str | None], names: list[Any], max_names: int) -> set[str]:
    """Numbers given by more than `max_names` distinct people in the batch (vectorized)."""
    keys = [f"{(r.first or '').lower()}|{(r.last or '').lower()}" if r.status != "missing" else None
            for r in names]
    pairs = [(p, k) for p, k in zip(e164, keys, strict=True) if p is not None and k is not None]
    if len(pairs) <= max_names:  # too few to share one (a form's single lead: no frame to build)
        return set()
    frame = pd.DataFrame(pairs, columns=["phone", "name"])
    counts = frame.groupby("phone")["name"].nunique()
    return set(counts[counts > max_names].index)


def _assemble(index: pd.Index, rules: Ruleset, cfg: ValidationConfig, v: dict[str, list[Any]],
              too_long: list[list[str]], emails: list[Any], iso: list[str | None], phones: list[Any],
              mobiles: list[Any], chosen: list[Any], shared: set[str], names: list[Any],
              addresses: list[AddressResult], companies: list[Any], sites: list[Any],
              titles: list[Any]) -> pd.DataFrame:
    reasoner = Reasoner(rules)
    sms_types = cfg.phone.sms_line_types
    mismatch = cfg.phone.country_mismatch_check
    websites = v["website"]
    reasons: list[list[str]] = []
    checks: list[list[dict[str, str]]] = []
    reach: list[list[str]] = []
    for i in range(len(index)):
        e, (p, alt), nm, ad = emails[i], chosen[i], names[i], addresses[i]
        findings = [("FIELD_TOO_LONG", f) for f in too_long[i]] if too_long[i] else []
        findings += e.findings
        findings += p.findings
        if alt is not None and alt.status not in ("valid", "missing"):
            findings.append(("PHONE_ALT_INVALID", "mobile" if alt is mobiles[i] else "phone"))
        if p.e164 is not None and p.e164 in shared:
            findings.append(("PHONE_SHARED", "phone"))
        if mismatch and p.region and iso[i] and p.region != iso[i] and p.status != "invalid":
            findings.append(("PHONE_COUNTRY_MISMATCH", f"{p.region}!={iso[i]}"))
        findings += nm.findings
        findings += ad.findings
        if websites[i] and sites[i] is None:
            findings.append(("COMPANY_WEBSITE_INVALID", "website"))
        channels_i, closing = channels(e, p, sms_types)
        if closing:
            findings.append(closing)
        r, c = reasoner.render(findings)
        reasons.append(r)
        checks.append(c)
        reach.append(channels_i)
    picked = [c[0] for c in chosen]
    cols: dict[str, list[Any]] = {
        "email_normalized": [e.normalized for e in emails],
        "email_key": [e.key for e in emails],
        "email_domain": [e.domain for e in emails],
        "email_status": [e.status for e in emails],
        "email_flags": [list(e.flags) for e in emails],
        "phone_e164": [p.e164 for p in picked],
        "phone_status": [p.status for p in picked],
        "phone_type": [p.line_type for p in picked],
        "phone_region": [p.region for p in picked],
        "phone_carrier": [p.carrier for p in picked],
        "phone_timezone": [p.time_zone for p in picked],
        "mobile_e164": [m.e164 if m.status != "invalid" else None for m in mobiles],
        "first_name_norm": [n.first for n in names],
        "last_name_norm": [n.last for n in names],
        "name_status": [n.status for n in names],
        "country_iso2": [a.country_iso2 or c for a, c in zip(addresses, iso, strict=True)],
        "postal_code_norm": [a.postal_code for a in addresses],
        "address_status": [a.status for a in addresses],
        "street_parsed": [dict(a.street_parsed) if a.street_parsed else None for a in addresses],
        "company_norm": companies,
        "company_domain": [site or (e.domain if e.status != "invalid" and "free" not in e.flags
                                    and "disposable" not in e.flags else None)
                           for site, e in zip(sites, emails, strict=True)],
        "seniority": [t[0] for t in titles],
        "department": [t[1] for t in titles],
        "reasons": reasons,
        "checks": checks,
        "reachable_channels": reach,
        "ruleset_version": [rules.version] * len(index),
    }
    return pd.DataFrame(cols, index=index, columns=list(ValidationOutput.COLUMNS), dtype=object)
