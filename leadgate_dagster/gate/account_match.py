"""Lead-to-account matching for a batch: the candidates from the store (domains by equality, names through the
trigram index), the match in the core, and the matched accounts' owner and segment beside each lead."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.routing.accounts import (
    MATCH_COLUMNS,
    company_key,
    lead_domains,
    match_accounts,
    parent_domains,
)
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import accounts

ACCOUNT_FIELDS = MATCH_COLUMNS  # recorded with the decision


def with_accounts(conn: sa.Connection, leads: pd.DataFrame, rules: Ruleset) -> pd.DataFrame:
    """`leads` plus ACCOUNT_FIELDS, account_owner and account_segment (None where no account matched)."""
    email, web = lead_domains(leads, rules)
    found_domains = accounts.domain_accounts(conn, {p for d in [*email, *web] if d for p in parent_domains(d)})
    facts = {a: (owner, segment) for a, owner, segment in found_domains.values()}
    domains = {d: a for d, (a, _, _) in found_domains.items()}
    found = match_accounts(leads, domains=domains, names=accounts.name_candidates(conn, ()), rules=rules)
    rest = leads[found["account_id"].isna()]  # only leads no domain matched need name candidates
    keys = {k for c in rest["company"].dropna() if (k := company_key(str(c)))} if "company" in rest else set()
    if keys:
        names = accounts.name_candidates(conn, keys)
        facts |= {a: (owner, segment) for a, owner, segment in
                  zip(names["account_id"], names["owner_email"], names["segment"], strict=True)}
        found.loc[rest.index] = match_accounts(rest, domains={}, names=names, rules=rules)
    out = leads.assign(**{c: found[c] for c in ACCOUNT_FIELDS})
    out["account_owner"] = [facts[a][0] if a in facts else None for a in found["account_id"]]
    out["account_segment"] = [facts[a][1] if a in facts else None for a in found["account_id"]]
    return out
