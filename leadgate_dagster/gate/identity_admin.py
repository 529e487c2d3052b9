"""A reviewer's (or an operator's) changes to the identity graph: manual merge, unmerge, split.

Each takes the graph lock (so it cannot interleave with a batch's match-and-write), writes a merge_log row
and recomputes the golden records of the persons it touched. The `*_in` forms work inside a caller's
transaction (a review action that also closes its item and decides the lead again); the others open their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset, load_ruleset
from leadgate_dagster.gate.golden import refresh_golden
from leadgate_dagster.store import identity, identity_merges


def merge(engine: sa.Engine, survivor: str, absorbed: str, *, actor: str, rules: Ruleset | None = None) -> int:
    """Merge two persons by hand (both resolved to their current survivors); returns the merge id.

    Raises:
        ValueError: when both already are one person.
    """
    with engine.begin() as conn:
        return merge_in(conn, survivor, absorbed, actor=actor, rules=rules or load_ruleset())


def merge_in(conn: sa.Connection, survivor: str, absorbed: str, *, actor: str, rules: Ruleset,
             tier: str = "manual", probability: float | None = None,
             evidence: dict[str, Any] | None = None) -> int:
    """`merge` inside the caller's transaction, with the evidence a review pair carries."""
    identity.lock_graph(conn)
    keep, gone = identity_merges.current_person(conn, survivor), identity_merges.current_person(conn, absorbed)
    if keep == gone:
        raise ValueError(f"{survivor} and {absorbed} already are one person ({keep})")
    merge_id = identity_merges.apply_merge(conn, survivor=keep, absorbed=gone, tier=tier, probability=probability,
                                           evidence={"reviewer": actor, **(evidence or {})}, actor=actor)
    refresh_golden(conn, [keep, gone], rules)
    return merge_id


def unmerge(engine: sa.Engine, merge_id: int, *, actor: str, rules: Ruleset | None = None) -> tuple[str, str]:
    """Undo a merge exactly: the absorbed person gets back the leads it had, and its own id again.

    Returns:
        (survivor, absorbed).

    Raises:
        ValueError: for an unknown, already undone or split log row.
    """
    with engine.begin() as conn:
        return unmerge_in(conn, merge_id, actor=actor, rules=rules or load_ruleset())


def unmerge_in(conn: sa.Connection, merge_id: int, *, actor: str, rules: Ruleset) -> tuple[str, str]:
    """`unmerge` inside the caller's transaction."""
    identity.lock_graph(conn)
    survivor, absorbed = identity_merges.undo_merge(conn, merge_id, actor=actor)
    refresh_golden(conn, [identity_merges.current_person(conn, survivor), absorbed], rules)
    return survivor, absorbed


def split(engine: sa.Engine, person_id: str, lead_ids: Sequence[str], *, actor: str,
          rules: Ruleset | None = None) -> str:
    """Move the chosen leads of a wrongly merged person to a new person (logged); returns the new id."""
    with engine.begin() as conn:
        return split_in(conn, person_id, lead_ids, actor=actor, rules=rules or load_ruleset())


def split_in(conn: sa.Connection, person_id: str, lead_ids: Sequence[str], *, actor: str, rules: Ruleset) -> str:
    """`split` inside the caller's transaction."""
    identity.lock_graph(conn)
    new, _ = identity_merges.apply_split(conn, person_id, lead_ids, actor=actor)
    refresh_golden(conn, [person_id, new], rules)
    return new
