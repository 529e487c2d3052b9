"""Accounts: the file (`leadgate accounts import`) and lead-to-account matching.

A lead matches an account by its work-email domain (a free-mail domain never matches; a subdomain matches
its parent: bob@us.acme.com is Acme's), else by its website's domain, else by its company name with legal
suffixes removed (core.validation.company), compared with rapidfuzz's token_sort_ratio among the candidates
the store's trigram index found, at or above `routing.account_name_min_score`. The method and a confidence
(0-100: 100 for a domain, the similarity for a name) are recorded with the decision.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd
from rapidfuzz import fuzz, process

from leadgate_dagster.core.columns import list_values, text_values
from leadgate_dagster.core.routing.sheet import RowProblem, cell, column_problems, email_address, split_list
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.validation import data
from leadgate_dagster.core.validation.company import normalize_company, website_domain

ACCOUNT_COLUMNS = ("account_id", "name", "name_key", "website", "owner_email", "segment")
MATCH_COLUMNS = ("account_id", "account_match", "account_match_confidence")
EMAIL_DOMAIN, WEBSITE, COMPANY_NAME = "email_domain", "website", "company_name"
_FILE_COLUMNS = ("id", "name", "domains", "website", "owner", "segment")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class AccountFile:
    """Accounts (ACCOUNT_COLUMNS), their domains (domain, account_id) and every problem (empty: all valid)."""

    accounts: pd.DataFrame
    domains: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)


@lru_cache(maxsize=100_000)
def company_key(name: str) -> str | None:
    """The company name as matched: legal suffixes removed, lower case, punctuation as spaces
    ("ACME, Inc." -> "acme")."""
    normalized = normalize_company(name)
    key = _NOT_WORD.sub(" ", (normalized or "").lower()).strip()
    return key or None


def free_mail(rules: Ruleset) -> frozenset[str]:
    """Free-mail domains: the shipped providers plus `validation.email.free_providers_extra`."""
    shipped = {d for d, p in data.mail_providers().items() if p["free"]}
    return frozenset(shipped | rules.validation.email.free_providers_extra)


def parent_domains(domain: str) -> Iterator[str]:
    """"a.b.acme.com" -> a.b.acme.com, b.acme.com, acme.com (never a bare TLD)."""
    labels = domain.split(".")
    for i in range(len(labels) - 1):
        yield ".".join(labels[i:])


def _domain(value: str, free: frozenset[str]) -> str:
    domain = website_domain(value)
    if domain is None:
        raise ValueError(f"{value!r} is not a domain")
    if domain in free:
        raise ValueError(f"{domain} is a free-mail domain: it would match every lead who uses it")
    return domain


def parse_account_rows(rows: Sequence[dict[str, str]], *, rules: Ruleset, known_owners: Collection[str],
                       taken_domains: dict[str, str] | None = None) -> AccountFile:
    """Check and normalize the rows of an accounts file (headers folded to snake_case).

    Args:
        rows: dicts with `id`, `name` and optionally `domains` (semicolon-separated), `website`, `owner` (an
            owner's email), `segment` (a name from `routing.segments`).
        rules: the active ruleset.
        known_owners: the emails of the owners table (an account's owner must be one).
        taken_domains: domain -> account id already stored; a domain another account holds is refused.

    Returns:
        AccountFile; a domain claimed twice (in the file, or by a stored account the file does not list) is a
        problem of the row that claims it.
    """
    free = free_mail(rules)
    problems = column_problems(rows, required=("id", "name"), optional=_FILE_COLUMNS)
    accounts: list[dict[str, Any]] = []
    domains: dict[str, str] = {}
    ids = {cell(r, "id") for r in rows}
    first_row: dict[str, int] = {}
    for record_no, row in enumerate(rows, start=1):
        found: list[RowProblem] = []

        def problem(column: str, message: str, n: int = record_no, f: list[RowProblem] = found) -> None:
            f.append(RowProblem(n, column, message))

        account_id, name = cell(row, "id"), cell(row, "name")
        if not account_id:
            problem("id", "an account id is required")
        elif account_id in first_row:
            problem("id", f"{account_id} is listed twice (first in row {first_row[account_id]})")
        else:
            first_row[account_id] = record_no
        if not company_key(name or ""):
            problem("name", "a company name is required")
        mine: list[str] = []
        for column, values in (("domains", split_list(cell(row, "domains"))), ("website", [cell(row, "website")])):
            for value in filter(None, values):
                try:
                    mine.append(_domain(value, free))
                except ValueError as exc:
                    problem(column, str(exc))
        for domain in dict.fromkeys(mine):
            listed, stored = domains.get(domain), (taken_domains or {}).get(domain)
            holder = listed if listed not in (None, account_id) else (
                stored if stored not in (None, account_id) and stored not in ids else None)  # a listed one moves
            if holder:
                problem("domains", f"{domain} already belongs to account {holder}")
            else:
                domains[domain] = account_id
        owner = cell(row, "owner")
        try:
            owner = email_address(owner) if owner else ""
            if owner and owner not in known_owners:
                problem("owner", f"{owner} is not in the owners table (import the owners first)")
        except ValueError as exc:
            problem("owner", str(exc))
        segment = cell(row, "segment")
        if segment and segment not in rules.routing.segments:
            problem("segment", f"{segment!r} is not a segment of routing.segments")
        problems += found
        accounts.append({"account_id": account_id, "name": name, "name_key": company_key(name or ""),
                         "website": cell(row, "website") or None, "owner_email": owner or None,
                         "segment": segment or None})
    frame = pd.DataFrame(accounts, columns=list(ACCOUNT_COLUMNS))
    links = pd.DataFrame(list(domains.items()), columns=["domain", "account_id"])
    return AccountFile(frame, links, problems)


def lead_domains(leads: pd.DataFrame, rules: Ruleset) -> tuple[list[str | None], list[str | None]]:
    """(work-email domain, website domain) per lead, in row order; a free-mail domain reads as None."""
    free = free_mail(rules)
    flags = list_values(leads, "email_flags")
    email = [None if d is None or d in free or "free" in f else d
             for d, f in zip(text_values(leads, "email_domain", lower=True), flags, strict=True)]
    web = [None if (d := website_domain(v) if v else None) in free else d for v in text_values(leads, "website")]
    return email, web


def _domain_hit(domain: str | None, domains: dict[str, str]) -> str | None:
    return next((domains[p] for p in parent_domains(domain) if p in domains), None) if domain else None


def match_accounts(leads: pd.DataFrame, *, domains: dict[str, str], names: pd.DataFrame,
                   rules: Ruleset) -> pd.DataFrame:
    """Match each lead to at most one account.

    Args:
        leads: email_domain, email_flags, website, company per lead.
        domains: domain -> account_id for every domain (or parent domain) the leads carry.
        names: name candidates per company key (key, account_id, name_key), e.g. the trigram neighbours the
            store found for the leads' company keys (core.routing.accounts.company_key).
        rules: the active ruleset (`routing.account_name_min_score`, free-mail domains).

    Returns:
        MATCH_COLUMNS per lead (None where nothing matches).
    """
    email, web = lead_domains(leads, rules)
    companies = [company_key(c) if c else None for c in text_values(leads, "company")]
    best = _best_names(names, {c for c in companies if c}, rules.routing.account_name_min_score)
    rows: list[tuple[str | None, str | None, int | None]] = []
    for e, w, c in zip(email, web, companies, strict=True):  # the first method that finds an account
        if hit := _domain_hit(e, domains):
            rows.append((hit, EMAIL_DOMAIN, 100))
        elif hit := _domain_hit(w, domains):
            rows.append((hit, WEBSITE, 100))
        elif c in best:
            rows.append((best[c][0], COMPANY_NAME, best[c][1]))
        else:
            rows.append((None, None, None))
    return pd.DataFrame(rows, index=leads.index, columns=list(MATCH_COLUMNS), dtype=object)


def _best_names(names: pd.DataFrame, keys: set[str], cutoff: int) -> dict[str, tuple[str, int]]:
    """Per company key, its best candidate at or above `cutoff` (ties: the smallest account id)."""
    candidates: dict[str, list[tuple[str, str]]] = {}
    if not names.empty:
        for key, account_id, name_key in zip(names["key"], names["account_id"], names["name_key"], strict=True):
            if key in keys:
                candidates.setdefault(key, []).append((account_id, name_key))
    out = {}
    for key, found in candidates.items():
        found.sort()
        hit = process.extractOne(key, [n for _, n in found], scorer=fuzz.token_sort_ratio, score_cutoff=cutoff)
        if hit is not None:
            out[key] = (found[hit[2]][0], round(hit[1]))
    return out
