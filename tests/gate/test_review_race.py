"""Two reviewers act on the same item at the same moment (two connections, released together by a barrier),
50 times over: exactly one wins, the other is told someone was first, and nothing is written twice."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from leadgate_dagster.core.review.actions import Action, ActionRequest
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.review_actions import ActionResult, ReviewConflict, act
from tests.gate.review_helpers import decide, items

RULES = load_ruleset()
REPETITIONS = 50
# pairs of competing requests, cycled over the repetitions
DUELS = [
    (ActionRequest(Action.VERIFY, "reviewer:kim"), ActionRequest(Action.REJECT, "reviewer:lee", note="spam")),
    (ActionRequest(Action.ROUTE, "reviewer:kim", to="ROUTE_AE", note="AE account"),
     ActionRequest(Action.ROUTE, "reviewer:lee", to="NURTURE_EMAIL_ONLY", note="not ready")),
    (ActionRequest(Action.ASSIGN, "reviewer:kim"), ActionRequest(Action.ASSIGN, "reviewer:lee")),
    (ActionRequest(Action.REJECT, "reviewer:kim", expected_version=0),
     ActionRequest(Action.ADJUST_SCORE, "reviewer:lee", delta=10, note="key account", expected_version=0)),
]


def requests_of(rep: int) -> tuple[ActionRequest, ActionRequest]:
    return DUELS[rep % len(DUELS)]


def won_slot(outcomes: list[object]) -> int:
    return 0 if isinstance(outcomes[0], ActionResult) else 1


def _held_leads(n: int) -> str:
    return "".join(f"Bo{i},Ek,bo{i}.ek@@northwind,+1 415 555 3{i:03d},Northwind,Manager,US,yes,yes,yes,"
                   f"2026-01-01T00:00:00Z,v1,,race{i}\n" for i in range(n))


def _duel(engine: sa.Engine, review_id: int, requests: tuple[ActionRequest, ActionRequest]) -> list[object]:
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def reviewer(slot: int) -> None:
        with engine.connect() as conn:  # each reviewer holds its own connection, ready before the barrier
            conn.execute(sa.text("SELECT 1"))
            barrier.wait()
        try:
            outcomes[slot] = act(engine, review_id, requests[slot], rules=RULES)
        except ReviewConflict as exc:
            outcomes[slot] = exc

    threads = [threading.Thread(target=reviewer, args=(slot,)) for slot in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.timeout(600)
def test_exactly_one_of_two_simultaneous_reviewers_wins(engine: sa.Engine) -> None:
    ids = decide(engine, RULES, _held_leads(REPETITIONS))
    engine.pool.dispose()
    held = {i.lead_id: i.review_id for i in items(engine, kind="quarantine")}
    assert len(held) == REPETITIONS
    winners: Counter[str] = Counter()
    for rep in range(REPETITIONS):
        lead = ids[f"race{rep}"]
        outcomes = _duel(engine, held[lead], requests_of(rep))
        won = [o for o in outcomes if isinstance(o, ActionResult)]
        lost = [o for o in outcomes if isinstance(o, ReviewConflict)]
        assert (len(won), len(lost)) == (1, 1), outcomes
        winners[won[0].action] += 1
        with engine.connect() as conn:
            logged = conn.execute(sa.text("SELECT count(*) FROM leadgate.review_decisions WHERE review_id = :r"),
                                  {"r": held[lead]}).scalar_one()
            rows = conn.execute(sa.text("SELECT count(*) FROM leadgate.dispositions WHERE lead_id = :l"),
                                {"l": lead}).scalar_one()
            overrides = conn.execute(sa.text("SELECT actor, kind, code FROM leadgate.review_overrides "
                                             "WHERE lead_id = :l"), {"l": lead}).all()
        assert logged == 1  # one decision, by the winner
        assert rows <= 2  # at most one new disposition
        assert len(set(overrides)) == len(overrides)  # no override twice
        assert {o.actor for o in overrides} <= {requests_of(rep)[won_slot(outcomes)].actor}
    assert sum(winners.values()) == REPETITIONS
