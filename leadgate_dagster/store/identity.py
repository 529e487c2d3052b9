"""The identity graph's reads and writes for incremental matching: candidates from the indexes, shared-key
state, and the set-based write of one batch's plan (persons, links, keys, the pairs' review items)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.identity.incremental import REVIEW_CODES
from leadgate_dagster.core.identity.keys import (
    IDENTITY_FIELDS,
    KEY_COLUMNS,
    KEY_GROUPS,
    company_slugs,
    full_names,
)
from leadgate_dagster.core.review.clock import ReviewClock
from leadgate_dagster.store.bulk import copy_rows
from leadgate_dagster.store.review_intake import add_pairs

# Match-and-write is serialised: two batches holding the same person must not both create it.
IDENTITY_LOCK = 7_215_004
LEAD_KEY_COLUMNS = ("lead_id", "first", "last", "full_name", "email", "domain", "company", "company_slug", "phone_1",
                    "phone_2", "device_1", "device_2", "city", "region", "postal", "name_sig", "dob", "street",
                    "address", "title")
# keys the graph does not store: the IP (kept as its own HMAC on the lead) and a file's secondary email and phone
# (no stored lead field holds them)
_UNSTORED_KEYS = ("ip", "email_2", "phone_3")
# Candidate leads per batch lead (the exact keys, a postal code's window, a company's similar names and the
# other leads of their persons stay far below it): a batch of 5,000 leads must not lose its candidates to a
# fixed total, and one pathological key must not pull in a whole table.
CANDIDATES_PER_LEAD = 100
ANALYZE_AFTER_ROWS = 1000
# Similar names are looked up within one company (one btree_gin + trigram index scan) and same-sounding names
# within one company or postal code (phonetic indexes): a trigram scan across every name costs ~5 ms per name.
# A postal code may hold thousands of leads: it proposes its `window` most similar same-sounding names, as
# in-batch blocking pairs a lead with its `window` neighbours in a large block.

_CANDIDATES = sa.text("""
    WITH found AS (
    SELECT lead_id FROM leadgate.lead_keys WHERE email = ANY(:emails)
    UNION SELECT lead_id FROM leadgate.lead_keys WHERE phone_1 = ANY(:phones)
    UNION SELECT lead_id FROM leadgate.lead_keys WHERE phone_2 = ANY(:phones)
    UNION SELECT lead_id FROM leadgate.lead_keys WHERE device_1 = ANY(:devices)
    UNION SELECT lead_id FROM leadgate.lead_keys WHERE device_2 = ANY(:devices)
    UNION SELECT lead_id FROM leadgate.lead_keys WHERE address = ANY(:addresses)
    UNION SELECT k.lead_id FROM unnest(CAST(:dobs AS text[]), CAST(:dlast AS text[]), CAST(:dfirst AS text[]))
                                q(d, t, f)
          JOIN leadgate.lead_keys k ON k.dob = q.d AND (dmetaphone(k.last) = dmetaphone(q.t) OR k.first = q.f)
    UNION SELECT k.lead_id FROM unnest(CAST(:dom AS text[]), CAST(:tok AS text[])) q(d, t)
          JOIN leadgate.lead_keys k ON k.domain = q.d AND k.last = q.t
    UNION SELECT k.lead_id FROM unnest(CAST(:dom AS text[]), CAST(:tok AS text[])) q(d, t)
          JOIN leadgate.lead_keys k ON k.domain = q.d AND k.first = q.t
    UNION SELECT k.lead_id FROM unnest(CAST(:slug AS text[]), CAST(:tok2 AS text[])) q(s, t)
          JOIN leadgate.lead_keys k ON k.company_slug = q.s AND dmetaphone(k.last) = dmetaphone(q.t)
    UNION SELECT k.lead_id FROM unnest(CAST(:slug AS text[]), CAST(:tok2 AS text[])) q(s, t)
          JOIN leadgate.lead_keys k ON k.company_slug = q.s AND dmetaphone(k.first) = dmetaphone(q.t)
    UNION SELECT k.lead_id FROM unnest(CAST(:names AS text[]), CAST(:nslug AS text[])) q(nm, s)
          JOIN leadgate.lead_keys k ON k.company_slug = q.s AND k.full_name % q.nm
    UNION SELECT x.lead_id FROM unnest(CAST(:names AS text[]), CAST(:npostal AS text[]), CAST(:nlast AS text[]))
                                q(nm, p, t)
          CROSS JOIN LATERAL (SELECT k.lead_id FROM leadgate.lead_keys k
                              WHERE k.postal = q.p AND dmetaphone(k.last) = dmetaphone(q.t)
                              ORDER BY similarity(k.full_name, q.nm) DESC, k.lead_id LIMIT :window) x)
    SELECT lp.lead_id FROM leadgate.lead_person lp
    WHERE lp.person_id IN (SELECT person_id FROM leadgate.lead_person WHERE lead_id IN (SELECT lead_id FROM found))
    ORDER BY lp.lead_id LIMIT :cap
""")


def lock_graph(conn: sa.Connection) -> None:
    """Take the graph's transaction-level advisory lock (released at commit or rollback)."""
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": IDENTITY_LOCK})


def linked(conn: sa.Connection, lead_ids: Sequence[str]) -> pd.DataFrame:
    """The lead_person rows of these leads."""
    return pd.read_sql(sa.text(
        "SELECT lead_id, person_id, duplicate_of, tier FROM leadgate.lead_person WHERE lead_id = ANY(:ids)"),
        conn, params={"ids": list(lead_ids)})


def candidate_leads(conn: sa.Connection, keys: pd.DataFrame, shared: pd.DataFrame, window: int) -> list[str]:
    """Existing leads that share a blocking key with the batch, plus every other lead of their persons.

    Args:
        conn: inside the graph lock.
        keys: the engine's keys of the batch's leads.
        shared: key_type, key of shared keys (they propose no candidates).
        window: how many similar names one postal code proposes per lead (the ruleset's block window).

    Returns:
        Lead ids (by id), at most CANDIDATES_PER_LEAD per batch lead.
    """
    columns = {c: keys[c].tolist() for c in KEY_COLUMNS}
    skip = set(zip(shared["key_type"], shared["key"], strict=False))
    exact = {kind: sorted({v for c in cols for v in columns[c] if isinstance(v, str) and (kind, v) not in skip})
             for kind, cols in KEY_GROUPS}
    first, last, domain, postal = columns["first"], columns["last"], columns["domain"], columns["postal"]
    by_name, by_domain = (slug.tolist() for slug in company_slugs(keys))
    with_domain = [i for i, d in enumerate(domain) if isinstance(d, str)]
    slug_rows = [(s, t) for slug in (by_name, by_domain) for s, f, la in zip(slug, first, last, strict=True)
                 if s for t in (f, la) if t]
    full = full_names(keys)
    named = [i for i, name in enumerate(full) if name]
    dated = [i for i, d in enumerate(columns["dob"]) if isinstance(d, str) and len(d) == 10]
    params: dict[str, Any] = {
        "emails": exact["email"], "phones": exact["phone"], "devices": exact["device"],
        "addresses": exact["address"], "dobs": [columns["dob"][i] for i in dated],
        "dlast": [last[i] or "" for i in dated], "dfirst": [first[i] or "" for i in dated],
        "dom": [domain[i] for i in with_domain] * 2,
        "tok": [last[i] for i in with_domain] + [first[i] for i in with_domain],
        "slug": [s for s, _ in slug_rows], "tok2": [t for _, t in slug_rows],
        "names": [full[i] for i in named], "nslug": [by_name[i] or by_domain[i] for i in named],
        "npostal": [postal[i] for i in named], "nlast": [last[i] for i in named], "window": window,
        "cap": CANDIDATES_PER_LEAD * max(len(keys), 1)}
    return [r[0] for r in conn.execute(_CANDIDATES, params)]


def identity_frame(conn: sa.Connection, lead_ids: Sequence[str]) -> pd.DataFrame:
    """The raw identity fields of these leads with their person, in arrival order (index = lead id)."""
    cols = ", ".join(f'l."{c}"' for c in IDENTITY_FIELDS)
    return _frame(conn.execute(sa.text(f"""
        SELECT l.lead_id, lp.person_id, {cols} FROM leadgate.leads l
        LEFT JOIN leadgate.lead_person lp USING (lead_id)
        WHERE l.lead_id = ANY(:ids) ORDER BY l.received_at, l.record_no, l.lead_id"""), {"ids": list(lead_ids)}))


def _frame(result: sa.CursorResult[Any]) -> pd.DataFrame:
    """Rows as a frame indexed by their first column (object columns, None for NULL), built from one object
    array: pd.read_sql's per-call overhead is most of a one-lead batch's lookup."""
    columns = list(result.keys())
    rows = result.all()
    values = np.empty((len(rows), len(columns)), dtype=object)
    values[:] = rows if rows else values
    return pd.DataFrame(values[:, 1:], index=pd.Index(values[:, 0]), columns=columns[1:])


def graph_keys(conn: sa.Connection, lead_ids: Sequence[str]) -> tuple[pd.DataFrame, pd.Series]:
    """The stored keys (`lead_keys`, as `build_keys` made them) and person of these leads, in arrival order;
    leads without stored keys are left out."""
    cols = ", ".join(f'k."{c}"' for c in KEY_COLUMNS if c not in _UNSTORED_KEYS)
    df = _frame(conn.execute(sa.text(f"""
        SELECT k.lead_id, lp.person_id, {cols} FROM leadgate.lead_keys k
        JOIN leadgate.lead_person lp USING (lead_id) JOIN leadgate.leads l USING (lead_id)
        WHERE k.lead_id = ANY(:ids) ORDER BY l.received_at, l.record_no, l.lead_id"""), {"ids": list(lead_ids)}))
    return df.drop(columns="person_id").assign(**dict.fromkeys(_UNSTORED_KEYS))[list(KEY_COLUMNS)], df["person_id"]


def arrival_order(conn: sa.Connection, lead_ids: Sequence[str]) -> list[str]:
    return [r[0] for r in conn.execute(sa.text(
        "SELECT lead_id FROM leadgate.leads WHERE lead_id = ANY(:ids) ORDER BY received_at, record_no, lead_id"),
        {"ids": list(lead_ids)})]


def long_keys(keys: pd.DataFrame) -> pd.DataFrame:
    """One row per (lead, key_type, key_value, name_sig) of the email, phone and device keys."""
    frames = [pd.DataFrame({"lead_id": keys.index, "key_type": kind, "key_value": keys[c].to_numpy(),
                            "name_sig": keys["name_sig"].to_numpy()})
              for kind, columns in KEY_GROUPS for c in columns]
    out = pd.concat(frames, ignore_index=True)
    return out[out["key_value"].notna()].reset_index(drop=True)


def graph_shared(conn: sa.Connection, keys: pd.DataFrame, max_names: int) -> pd.DataFrame:
    """Keys of the batch that are shared once the graph's names and the batch's are counted together.

    Returns:
        key_type, key, distinct_names: keys over the limit by type and key, then keys the graph already shares.
    """
    signatures = keys["name_sig"].tolist()
    batch = [(kind, v, sig) for kind, columns in KEY_GROUPS for c in columns
             for v, sig in zip(keys[c].tolist(), signatures, strict=True) if isinstance(v, str)]
    if not batch:
        return pd.DataFrame(columns=["key_type", "key", "distinct_names"])
    distinct = list(dict.fromkeys((kind, v) for kind, v, _ in batch))
    rows = conn.execute(sa.text("""
        SELECT q.t AS key_type, q.v AS key_value, k.is_shared, n.name_sig
        FROM unnest(CAST(:t AS text[]), CAST(:v AS text[])) q(t, v)
        JOIN leadgate.identity_keys k ON k.key_type = q.t AND k.key_value = q.v
        LEFT JOIN leadgate.identity_key_names n ON n.key_type = q.t AND n.key_value = q.v AND NOT k.is_shared
    """), {"t": [t for t, _ in distinct], "v": [v for _, v in distinct]}).all()
    names: dict[tuple[str, str], set[str]] = {}
    for kind, value, sig in [*((r.key_type, r.key_value, r.name_sig) for r in rows), *batch]:
        if sig is not None:
            names.setdefault((kind, value), set()).add(sig)
    over = sorted((kind, value, len(sigs)) for (kind, value), sigs in names.items() if len(sigs) > max_names)
    counted = {(kind, value) for kind, value, _ in over}
    already = dict.fromkeys((r.key_type, r.key_value) for r in rows if r.is_shared and
                            (r.key_type, r.key_value) not in counted)
    return pd.DataFrame([*over, *((kind, value, max_names + 1) for kind, value in already)],
                        columns=["key_type", "key", "distinct_names"])


def write_keys(conn: sa.Connection, keys: pd.DataFrame, person_of: pd.Series, max_names: int) -> None:
    """Record the batch's blocking profile (lead_keys), its keys' names and owners, and refresh shared flags."""
    by_name, by_domain = company_slugs(keys)
    profile = keys.assign(lead_id=keys.index, company_slug=by_name.where(by_name.notna(), by_domain),
                          full_name=full_names(keys))
    conn.execute(sa.text("DELETE FROM leadgate.lead_keys WHERE lead_id = ANY(:ids)"), {"ids": list(keys.index)})
    copy_rows(conn, "lead_keys", LEAD_KEY_COLUMNS, profile[list(LEAD_KEY_COLUMNS)].itertuples(index=False))
    if len(keys) >= ANALYZE_AFTER_ROWS:  # fresh statistics, or the next batch's candidate lookup may scan
        conn.execute(sa.text("ANALYZE leadgate.lead_keys"))
    long = long_keys(keys)
    if long.empty:
        return
    long["person_id"] = long["lead_id"].map(person_of)
    first = long.drop_duplicates(["key_type", "key_value"])
    _insert(conn, "identity_keys (key_type, key_value, person_id, first_lead_id)",
            [first["key_type"], first["key_value"], first["person_id"], first["lead_id"]])
    named = long.dropna(subset=["name_sig"]).drop_duplicates(["key_type", "key_value", "name_sig"])
    _insert(conn, "identity_key_names (key_type, key_value, name_sig)",
            [named["key_type"], named["key_value"], named["name_sig"]])
    conn.execute(sa.text("""
        UPDATE leadgate.identity_keys k SET distinct_names = c.n, is_shared = c.n > :m
        FROM (SELECT n.key_type, n.key_value, count(*) AS n FROM leadgate.identity_key_names n
              JOIN unnest(CAST(:t AS text[]), CAST(:v AS text[])) q(t, v) ON n.key_type = q.t AND n.key_value = q.v
              GROUP BY n.key_type, n.key_value) c
        WHERE k.key_type = c.key_type AND k.key_value = c.key_value
    """), {"m": max_names, "t": list(first["key_type"]), "v": list(first["key_value"])})


def _insert(conn: sa.Connection, target: str, columns: Sequence[Iterable[Any]]) -> None:
    """INSERT ... SELECT unnest(...) ON CONFLICT DO NOTHING: idempotent and one statement."""
    arrays = {f"c{i}": [None if pd.isna(v) else str(v) for v in col] for i, col in enumerate(columns)}
    unnest = ", ".join(f"CAST(:c{i} AS text[])" for i in range(len(columns)))
    conn.execute(sa.text(f"INSERT INTO leadgate.{target} SELECT * FROM unnest({unnest}) ON CONFLICT DO NOTHING"),
                 arrays)


def write_links(conn: sa.Connection, persons: Sequence[tuple[str, str]], links: pd.DataFrame,
                reviews: pd.DataFrame, *, clock: ReviewClock, now: datetime) -> None:
    """New persons, lead -> person links (new leads only: never rewritten) and a merge_candidate item in the
    review queue per pair awaiting a person."""
    copy_rows(conn, "persons", ("person_id", "first_lead_id"), persons)
    cols = ("lead_id", "person_id", "decision", "duplicate_of", "tier", "probability", "evidence")
    copy_rows(conn, "lead_person", cols, links[list(cols)].astype(object).itertuples(index=False))
    if len(reviews):
        add_pairs(conn, reviews, [REVIEW_CODES[t] for t in reviews["tier"]], clock, now)
