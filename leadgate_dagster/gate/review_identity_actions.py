"""The review actions that change the identity graph: merge or keep apart a pair, split or unmerge an audited
automatic merge. Each goes through the graph's own operations (`gate/identity_admin.py`, logged in
`merge_log` with the pair's evidence) inside the action's transaction, then decides the lead again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.review.fallback import pair_codes
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.identity_admin import merge_in, split_in, unmerge_in
from leadgate_dagster.gate.qualify import redecide
from leadgate_dagster.gate.review_errors import ReviewInvalid
from leadgate_dagster.store import identity_merges, review_overrides


def merge_pair(conn: sa.Connection, item: sa.Row[Any], actor: str, rules: Ruleset, now: datetime) -> None:
    """The pair is one person: the lead's person joins the candidate's, the lead repeats the candidate lead
    (so a routed candidate is not routed twice), and the lead is decided again without the pair's codes."""
    mine = identity_merges.person_of(conn, item.lead_id)
    if mine is None:
        raise ReviewInvalid([f"lead {item.lead_id} has no person yet; its batch is still running"])
    try:
        merge_in(conn, item.candidate_person_id, mine, actor=actor, rules=rules, tier=item.tier,
                 probability=item.probability,
                 evidence={"review_id": item.review_id, "explanation": item.explanation})
    except ValueError as exc:
        raise ReviewInvalid([str(exc)]) from None
    identity_merges.mark_duplicate(conn, item.lead_id, item.candidate_lead_id, tier="manual")
    _redecide_without_pair(conn, item, actor, rules, now)


def keep_apart(conn: sa.Connection, item: sa.Row[Any], actor: str, rules: Ruleset, now: datetime) -> None:
    """The pair is two persons: nothing in the graph moves; the lead is decided again without the pair."""
    _redecide_without_pair(conn, item, actor, rules, now)


def split_audited(conn: sa.Connection, item: sa.Row[Any], actor: str, rules: Ruleset, now: datetime) -> None:
    """An audited automatic link was wrong: the lead leaves its person for a new one (logged), and is decided
    again as the first lead of that person."""
    person = identity_merges.person_of(conn, item.lead_id)
    try:
        split_in(conn, str(person), [item.lead_id], actor=actor, rules=rules)
    except ValueError as exc:
        raise ReviewInvalid([f"cannot split lead {item.lead_id} from {person}: {exc}"]) from None
    redecide(conn, [item.lead_id], rules, decided_by=actor, now=now)


def unmerge_audited(conn: sa.Connection, item: sa.Row[Any], actor: str, rules: Ruleset, now: datetime) -> None:
    """An audited automatic person merge was wrong: undone exactly (both persons and their leads back)."""
    if item.merge_id is None:
        raise ReviewInvalid(["this audit is of a lead joined to a person, not of a person merge: split it"])
    try:
        unmerge_in(conn, int(item.merge_id), actor=actor, rules=rules)
    except ValueError as exc:
        raise ReviewInvalid([str(exc)]) from None
    redecide(conn, [item.lead_id], rules, decided_by=actor, now=now)


def _redecide_without_pair(conn: sa.Connection, item: sa.Row[Any], actor: str, rules: Ruleset,
                           now: datetime) -> None:
    review_overrides.waive(conn, [item.lead_id], [sorted(pair_codes())], actor=actor, review_ids=[item.review_id],
                           note=None, now=now)
    redecide(conn, [item.lead_id], rules, decided_by=actor, now=now)
