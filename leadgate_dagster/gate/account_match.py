"""Lead-to-account matching for a batch: the candidates from the store (domains by equality, names through the
trigram index), the match in the core, and the matched accounts' owner and segment beside each lead."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.routing.accounts import company_key, lead_domains, match_accounts, parent_domains
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import accounts

ACCOUNT_FIELDS = ("account_id", "account_match", "account_match_confidence")  # recorded with the decision


def with_accounts(conn: sa.Connection, leads: pd.DataFrame, rules: Ruleset) -> pd.DataFrame:
    """`leads` plus ACCOUNT_FIELDS, account_owner and account_segment (None where no account matched)."""
    email, web = lead_domains(leads, rules)
    domains = accounts.domain_owners(conn, {p for d in [*email, *web] if d for p in parent_domains(d)})
    found = match_accounts(leads, domains=domains, names=accounts.name_candidates(conn, ()), rules=rules)
    rest = leads[found["account_id"].isna()]  # only leads no domain matched need name candidates
    keys = {k for c in rest["company"].dropna() if (k := company_key(str(c)))} if "company" in rest else set()
    if keys:
        found.loc[rest.index] = match_accounts(rest, domains={}, names=accounts.name_candidates(conn, keys),
                                               rules=rules)
    out = leads.assign(**{c: found[c] for c in ACCOUNT_FIELDS})
    facts = accounts.facts(conn, set(found["account_id"].dropna()))
    out["account_owner"] = found["account_id"].map(facts["owner_email"]).astype(object)
    out["account_segment"] = found["account_id"].map(facts["segment"]).astype(object)
    return out
