"""Priorities: a valuable source, a high score, intent and a likely match come first; an item climbs as it ages
towards and past its SLA, and jumps once escalated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from leadgate_dagster.core.review.priority import priorities
from leadgate_dagster.core.ruleset import load_ruleset

RULES = load_ruleset()
NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def _item(**over: object) -> dict[str, object]:
    return {"source": "webinar", "score": 50, "intent": False, "probability": np.nan, "created_at": NOW,
            "escalated": False, **over}


def test_each_signal_raises_the_priority() -> None:
    rows = [_item(), _item(source="crm"), _item(score=90), _item(intent=True), _item(probability=0.9),
            _item(created_at=NOW - timedelta(hours=4)), _item(escalated=True)]
    p = priorities(pd.DataFrame(rows), RULES, NOW)
    assert all(p[1:] > p[0])
    # weights: source 20 x (1.0 - 0.6), score 25 x 0.4, intent 15, match 15 x 0.9, age 25 x 0.5, bump 25
    assert list(np.round(p[1:] - p[0], 2)) == [8.0, 10.0, 15.0, 13.5, 12.5, 25.0]


def test_age_counts_up_to_its_cap_and_unknowns_count_as_nothing() -> None:
    rows = [_item(created_at=NOW - timedelta(hours=8)), _item(created_at=NOW - timedelta(days=3)),
            _item(source=None, score=None, intent=None, created_at=NOW + timedelta(hours=1))]
    p = priorities(pd.DataFrame(rows), RULES, NOW)
    assert p[0] == p[1]  # two SLAs and beyond weigh the same
    assert p[2] == 20 * 0.5  # default source value only: no score, no intent, no age yet
