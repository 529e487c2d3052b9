"""Engagement: exponential decay with the ruleset's half-life, saturation to 0-100, intent signals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadgate_dagster.core.engagement import decay, engagement, saturate
from leadgate_dagster.core.ruleset import Ruleset
from tests.core.scoring.conftest import AS_OF, batch, lead, with_rules


def _events(*rows: tuple[str, str, float]) -> pd.DataFrame:
    """(lead_id, event_type, age in days) -> events frame as of AS_OF."""
    return pd.DataFrame({"lead_id": [r[0] for r in rows], "event_type": [r[1] for r in rows],
                         "occurred_at": [AS_OF - pd.Timedelta(days=r[2]) for r in rows]})


@pytest.mark.parametrize("half_life", [1.0, 7.0, 14.0, 30.0], ids=["1d", "7d", "14d", "30d"])
def test_an_event_weighs_half_at_the_half_life(half_life: float) -> None:
    rules = with_rules(f"scoring: {{engagement: {{half_life_days: {half_life}}}}}")
    weight = rules.scoring.engagement.event_weights["pricing_visit"]
    out = engagement(batch(lead()), _events(("L0", "pricing_visit", half_life)), rules=rules, as_of=AS_OF)
    assert out["engagement_points"].iloc[0] == pytest.approx(weight / 2)
    fresh = engagement(batch(lead()), _events(("L0", "pricing_visit", 0.0)), rules=rules, as_of=AS_OF)
    assert fresh["engagement_points"].iloc[0] == pytest.approx(weight)


@given(age=st.floats(0, 3650), half_life=st.floats(0.1, 365))
def test_decay_halves_with_every_half_life(age: float, half_life: float) -> None:
    assert decay(np.array([age + half_life]), half_life)[0] == pytest.approx(decay(np.array([age]), half_life)[0] / 2)
    assert 0.0 <= decay(np.array([age]), half_life)[0] <= 1.0


@given(points=st.floats(0, 1e9), k=st.floats(0.01, 1e4))
def test_saturated_score_stays_in_0_100(points: float, k: float) -> None:
    assert 0 <= saturate(np.array([points]), k)[0] <= 100


def test_half_saturation_points_give_50(rules: Ruleset) -> None:
    k = rules.scoring.engagement.half_saturation_points
    assert saturate(np.array([0.0, k, 1e12]), k).tolist() == [0, 50, 100]


def test_intent_demo_and_windows(rules: Ruleset) -> None:
    events = _events(("L0", "pricing_visit", 2), ("L0", "demo_request", 40), ("L0", "page_view", 1),
                     ("L1", "demo_request", 3), ("L1", "teleport", 0), ("L2", "page_view", 400),
                     ("nobody", "demo_request", 0))
    out = engagement(batch(lead(), lead(), lead()), events, rules=rules, as_of=AS_OF)
    assert out["intent_signals"].tolist() == [["pricing_visit"], ["demo_request"], []]
    assert out["demo_event"].tolist() == [False, True, False]  # L0's demo request is outside the window
    assert out["engagement_events"].tolist() == [3, 2, 0]  # unknown types count, weigh nothing; too old: out
    assert out["engagement_score"].iloc[2] == 0


def test_recent_activity_outranks_old_activity(rules: Ruleset) -> None:
    events = _events(*[("L0", "pricing_visit", 60)] * 5, ("L1", "pricing_visit", 1))
    out = engagement(batch(lead(), lead()), events, rules=rules, as_of=AS_OF)
    assert out["engagement_score"].iloc[1] > out["engagement_score"].iloc[0]


def test_future_events_count_as_now_and_no_events_is_zero(rules: Ruleset) -> None:
    out = engagement(batch(lead(), lead()), _events(("L0", "pricing_visit", -3)), rules=rules, as_of=AS_OF)
    assert out["engagement_points"].iloc[0] == rules.scoring.engagement.event_weights["pricing_visit"]
    assert engagement(batch(lead()), None, rules=rules)["engagement_score"].tolist() == [0]


def test_non_positive_half_life_is_refused() -> None:
    with pytest.raises(ValueError, match=r"scoring\.engagement\.half_life_days"):
        with_rules("scoring: {engagement: {half_life_days: 0}}")
