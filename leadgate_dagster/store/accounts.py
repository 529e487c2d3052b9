"""Accounts and their domains: written by an import, read by the lead-to-account match (domains by equality,
names through the trigram index)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.routing.accounts import ACCOUNT_COLUMNS as COLUMNS
from leadgate_dagster.store.bulk import copy_rows

# the trigram prefilter: pg_trgm's `%` at its default threshold (0.3), well below any name the fuzzy score accepts
# (routing.account_name_min_score decides): of 8,217 one-typo variants of company names scoring 90 or more, none
# had a trigram similarity under 0.5


def upsert(conn: sa.Connection, accounts: pd.DataFrame, domains: pd.DataFrame, *, now: datetime) -> tuple[int, int]:
    """Store accounts (COLUMNS) and make `domains` (domain, account_id) the whole domain list of each of them;
    returns (new, updated)."""
    if accounts.empty:
        return 0, 0
    conn.execute(sa.text("DROP TABLE IF EXISTS tmp_accounts_in"))
    conn.execute(sa.text(f"CREATE TEMP TABLE tmp_accounts_in ON COMMIT DROP AS SELECT {', '.join(COLUMNS)} "
                         "FROM leadgate.accounts WITH NO DATA"))
    rows = accounts[list(COLUMNS)].astype(object)
    copy_rows(conn, "tmp_accounts_in", COLUMNS, rows.where(rows.notna(), None).itertuples(index=False, name=None))
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS if c != "account_id")
    flags = conn.execute(sa.text(f"""
        INSERT INTO leadgate.accounts ({', '.join(COLUMNS)}, created_at, updated_at)
        SELECT {', '.join(COLUMNS)}, :now, :now FROM tmp_accounts_in
        ON CONFLICT (account_id) DO UPDATE SET {sets}, updated_at = EXCLUDED.updated_at
        RETURNING (xmax = 0) AS inserted"""), {"now": now}).scalars().all()
    ids = list(accounts["account_id"])
    conn.execute(sa.text("DELETE FROM leadgate.account_domains WHERE account_id = ANY(:ids) OR domain = ANY(:d)"),
                 {"ids": ids, "d": list(domains["domain"])})
    copy_rows(conn, "account_domains", ("domain", "account_id"), domains.itertuples(index=False, name=None))
    new = sum(1 for f in flags if f)
    return new, len(flags) - new


def list_accounts(conn: sa.Connection, limit: int) -> pd.DataFrame:
    """Accounts by id with their domains (a list) and owner."""
    return pd.read_sql(sa.text("""
        SELECT a.account_id, a.name, a.website, a.owner_email, a.segment,
               ARRAY(SELECT d.domain FROM leadgate.account_domains d WHERE d.account_id = a.account_id
                     ORDER BY d.domain) AS domains
        FROM leadgate.accounts a ORDER BY a.account_id LIMIT :n"""), conn, params={"n": limit})


def domain_owners(conn: sa.Connection, domains: Collection[str]) -> dict[str, str]:
    """domain -> account_id for the given domains that belong to an account."""
    return {d: a for d, (a, _, _) in domain_accounts(conn, domains).items()}


def domain_accounts(conn: sa.Connection, domains: Collection[str]) -> dict[str, tuple[str, str | None, str | None]]:
    """domain -> (account_id, owner_email, segment) for the given domains that belong to an account."""
    if not domains:
        return {}
    rows = conn.execute(sa.text("""
        SELECT d.domain, a.account_id, a.owner_email, a.segment FROM leadgate.account_domains d
        JOIN leadgate.accounts a ON a.account_id = d.account_id WHERE d.domain = ANY(:d)"""),
        {"d": sorted(domains)}).all()
    return {r.domain: (r.account_id, r.owner_email, r.segment) for r in rows}


def name_candidates(conn: sa.Connection, keys: Collection[str]) -> pd.DataFrame:
    """Per company key, the accounts of exactly that name key, or where none has it, those whose name key is
    trigram-similar (key, account_id, name_key, owner_email, segment): an exact key is one btree lookup, a
    trigram search is not."""
    columns = ["key", "account_id", "name_key", "owner_email", "segment"]
    if not keys:
        return pd.DataFrame(columns=columns)
    rows = conn.execute(sa.text("""
        WITH q AS (SELECT DISTINCT unnest(CAST(:keys AS text[])) AS key),
        exact AS (SELECT q.key, a.account_id, a.name_key, a.owner_email, a.segment
                  FROM q JOIN leadgate.accounts a ON a.name_key = q.key)
        SELECT * FROM exact
        UNION ALL
        SELECT q.key, a.account_id, a.name_key, a.owner_email, a.segment
        FROM q JOIN leadgate.accounts a ON a.name_key % q.key
        WHERE q.key NOT IN (SELECT key FROM exact)
    """), {"keys": sorted(keys)}).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns, dtype=object)


def facts(conn: sa.Connection, account_ids: Collection[str]) -> pd.DataFrame:
    """owner_email and segment per account id (index)."""
    rows = conn.execute(sa.text("SELECT account_id, owner_email, segment FROM leadgate.accounts "
                                "WHERE account_id = ANY(:ids)"), {"ids": sorted(account_ids)}).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["account_id", "owner_email", "segment"],
                        dtype=object).set_index("account_id")
