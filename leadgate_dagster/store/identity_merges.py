"""Merges and splits of persons, each one a `merge_log` row that records exactly which links moved.

A merge re-points the absorbed person's links to the survivor and sets `merged_into`: the absorbed id keeps
its meaning (it resolves to the survivor) and `lead_person` always names a surviving person. Undo moves the
recorded leads back, so it restores both persons and their links exactly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from psycopg.types.json import Jsonb

from leadgate_dagster.store import crm_outbox


def current_person(conn: sa.Connection, person_id: str) -> str:
    """Follow merged_into to the surviving person (raises KeyError for an unknown id)."""
    seen: list[str] = []
    while True:
        row = conn.execute(sa.text("SELECT merged_into FROM leadgate.persons WHERE person_id = :p"),
                           {"p": person_id}).first()
        if row is None:
            raise KeyError(f"unknown person {person_id}")
        if row[0] is None or person_id in seen:
            return person_id
        seen.append(person_id)
        person_id = row[0]


def apply_merge(conn: sa.Connection, *, survivor: str, absorbed: str, tier: str | None, probability: float | None,
                evidence: dict[str, Any], actor: str) -> int:
    """Absorb one surviving person into another and log it; returns the merge id."""
    moved = [r[0] for r in conn.execute(sa.text(
        "UPDATE leadgate.lead_person SET person_id = :s WHERE person_id = :a RETURNING lead_id"),
        {"s": survivor, "a": absorbed})]
    conn.execute(sa.text("UPDATE leadgate.persons SET merged_into = :s WHERE person_id = :a"),
                 {"s": survivor, "a": absorbed})
    crm_outbox.enqueue_merge(conn, survivor=survivor, absorbed=absorbed)  # the CRM's records are merged too
    return int(conn.execute(sa.text("""
        INSERT INTO leadgate.merge_log (action, survivor, absorbed, tier, probability, evidence, actor, moved_leads)
        VALUES ('merge', :s, :a, :t, :p, :e, :actor, :m) RETURNING merge_id
    """), {"s": survivor, "a": absorbed, "t": tier, "p": probability, "e": Jsonb(evidence), "actor": actor,
           "m": Jsonb(sorted(moved))}).scalar_one())


def undo_merge(conn: sa.Connection, merge_id: int, *, actor: str) -> tuple[str, str]:
    """Move the merge's leads back to the absorbed person and clear its merged_into; (survivor, absorbed)."""
    row = conn.execute(sa.text("""
        SELECT survivor, absorbed, moved_leads FROM leadgate.merge_log
        WHERE merge_id = :m AND action = 'merge' AND undone_at IS NULL FOR UPDATE"""), {"m": merge_id}).first()
    if row is None:
        raise ValueError(f"merge {merge_id} does not exist, is a split, or was already undone")
    conn.execute(sa.text("UPDATE leadgate.lead_person SET person_id = :a WHERE lead_id = ANY(:ids)"),
                 {"a": row.absorbed, "ids": list(row.moved_leads)})
    conn.execute(sa.text("UPDATE leadgate.persons SET merged_into = NULL WHERE person_id = :a"), {"a": row.absorbed})
    conn.execute(sa.text("UPDATE leadgate.merge_log SET undone_at = now(), undone_by = :b WHERE merge_id = :m"),
                 {"b": actor, "m": merge_id})
    crm_outbox.enqueue_persons(conn, [row.survivor, row.absorbed], cause="unmerge")
    return row.survivor, row.absorbed


def apply_split(conn: sa.Connection, person_id: str, lead_ids: Sequence[str], *, actor: str) -> tuple[str, int]:
    """Move chosen leads of a surviving person to a new person; returns (new person id, log id).

    Raises:
        ValueError: when a lead is not the person's, or the split would leave the person without leads.
    """
    chosen = sorted(set(lead_ids))
    owned = {r[0] for r in conn.execute(sa.text(
        "SELECT lead_id FROM leadgate.lead_person WHERE person_id = :p"), {"p": person_id})}
    if not chosen or not set(chosen) <= owned or set(chosen) == owned:
        raise ValueError("split needs some, not all, of the person's own leads")
    new = "p_" + hashlib.sha256(f"split:{person_id}:{','.join(chosen)}".encode()).hexdigest()[:16]
    first = conn.execute(sa.text("""SELECT lead_id FROM leadgate.leads WHERE lead_id = ANY(:ids)
                                    ORDER BY received_at, record_no, lead_id LIMIT 1"""), {"ids": chosen}).scalar_one()
    conn.execute(sa.text("INSERT INTO leadgate.persons (person_id, first_lead_id) VALUES (:p, :f)"),
                 {"p": new, "f": first})
    conn.execute(sa.text("UPDATE leadgate.lead_person SET person_id = :n WHERE lead_id = ANY(:ids)"),
                 {"n": new, "ids": chosen})
    # a duplicate_of across the cut no longer names the person's earlier lead
    cleared = [r[0] for r in conn.execute(sa.text("""
        UPDATE leadgate.lead_person lp SET duplicate_of = NULL
        FROM leadgate.lead_person d
        WHERE lp.person_id IN (:p, :n) AND d.lead_id = lp.duplicate_of AND d.person_id <> lp.person_id
        RETURNING lp.lead_id"""), {"p": person_id, "n": new})]
    log_id = int(conn.execute(sa.text("""
        INSERT INTO leadgate.merge_log (action, survivor, absorbed, tier, evidence, actor, moved_leads)
        VALUES ('split', :p, :n, 'manual', :e, :a, :m) RETURNING merge_id
    """), {"p": person_id, "n": new, "e": Jsonb({"duplicate_of_cleared": cleared}), "a": actor,
           "m": Jsonb(chosen)}).scalar_one())
    crm_outbox.enqueue_persons(conn, [person_id, new], cause="split")
    return new, log_id


def person_of(conn: sa.Connection, lead_id: str) -> str | None:
    """The surviving person a lead is linked to (None: not linked yet)."""
    return conn.execute(sa.text("SELECT person_id FROM leadgate.lead_person WHERE lead_id = :l"),
                        {"l": lead_id}).scalar_one_or_none()


def mark_duplicate(conn: sa.Connection, lead_id: str, duplicate_of: str, *, tier: str) -> None:
    """Record that a lead repeats an earlier one (a reviewer's merge of a pair), as an automatic match does."""
    conn.execute(sa.text("UPDATE leadgate.lead_person SET duplicate_of = :d, tier = :t WHERE lead_id = :l"),
                 {"d": duplicate_of, "t": tier, "l": lead_id})
