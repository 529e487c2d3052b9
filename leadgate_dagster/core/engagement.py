"""Behavioural engagement: a 0-100 score from behaviour events with exponential time decay, plus intent signals.

Kept apart from the pre-score on purpose: fit says who the lead is, engagement says what they did lately.
Each event's weight halves every `half_life_days`, so last month's pricing visits stop outranking today's
demo request; the sum saturates as 100 * p / (p + half_saturation_points), so it never exceeds 100.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from leadgate_dagster.core.columns import as_utc, column, lead_keys, parse_times, text
from leadgate_dagster.core.ruleset import Ruleset

_DAY = pd.Timedelta(days=1)
COLUMNS = ("engagement_score", "engagement_points", "engagement_events", "intent_signals", "demo_event",
           "last_event_at")


def decay(age_days: np.ndarray | pd.Series, half_life_days: float) -> np.ndarray:
    """The weight factor of an event `age_days` old: 1 now, 1/2 at one half-life, 1/4 at two.

    Future events (clock skew) count as now, never as more than their weight.
    """
    age = np.clip(np.asarray(age_days, dtype=float), 0.0, None)
    factor: np.ndarray = np.power(0.5, age / half_life_days)
    return factor


def saturate(points: np.ndarray | pd.Series, half_saturation_points: float) -> np.ndarray:
    """Decayed points as a 0-100 integer score: 50 at `half_saturation_points`, never above 100."""
    p = np.clip(np.asarray(points, dtype=float), 0.0, None)
    score: np.ndarray = np.rint(100.0 * p / (p + half_saturation_points)).astype(int)
    return score


def engagement(leads: pd.DataFrame, events: pd.DataFrame | None, *, rules: Ruleset,
               as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Engagement per lead from its behaviour events.

    Args:
        leads: the batch; joined to events on `lead_id` (or the index when there is no such column).
        events: behaviour events (lead_id, event_type, occurred_at); unknown event types weigh nothing,
            events older than max_age_days or with no parseable time are left out. None means no events.
        rules: the active ruleset (`scoring.engagement`).
        as_of: the time decay is measured from; None means now.

    Returns:
        Columns COLUMNS with the batch's index: engagement_score (0-100 int), engagement_points (decayed
        weight sum), engagement_events (events counted), intent_signals (intent event types within the
        window, sorted), demo_event (bool) and last_event_at.
    """
    s = rules.scoring.engagement
    keys = lead_keys(leads)
    out = pd.DataFrame(index=leads.index)
    out["engagement_points"] = 0.0
    out["engagement_events"] = 0
    out["intent_signals"] = [[] for _ in range(len(leads))]
    out["demo_event"] = False
    out["last_event_at"] = pd.Series(pd.NaT, index=leads.index, dtype="datetime64[ns, UTC]")
    if events is not None and not events.empty and len(leads):
        ev = pd.DataFrame({"key": text(events, "lead_id"), "type": text(events, "event_type", lower=True),
                           "at": parse_times(column(events, "occurred_at"))})
        ev = ev[ev["key"].isin(set(keys)) & ev["at"].notna()]
        ev["age"] = (as_utc(as_of) - ev["at"]) / _DAY
        ev = ev[ev["age"] <= s.max_age_days]
        ev["points"] = ev["type"].map(s.event_weights).fillna(0.0) * decay(ev["age"], s.half_life_days)
        per_key = ev.groupby("key").agg(points=("points", "sum"), n=("points", "size"), last=("at", "max"))
        recent = ev[ev["type"].isin(s.intent_events) & (ev["age"] <= s.intent_window_days)]
        intents: dict[str, list[str]] = {}
        for key, kind in recent.drop_duplicates(["key", "type"]).sort_values("type")[["key", "type"]].itertuples(
                index=False, name=None):  # one pass over distinct (lead, intent type) pairs, not over leads
            intents.setdefault(key, []).append(kind)
        demo_keys = set(recent.loc[recent["type"].isin(s.demo_events), "key"])
        out["engagement_points"] = keys.map(per_key["points"]).fillna(0.0).to_numpy()
        out["engagement_events"] = keys.map(per_key["n"]).fillna(0).astype(int).to_numpy()
        out["last_event_at"] = keys.map(per_key["last"]).astype("datetime64[ns, UTC]").set_axis(leads.index)
        out["intent_signals"] = [list(intents.get(k, ())) for k in keys.tolist()]
        out["demo_event"] = keys.isin(demo_keys).to_numpy()
    out["engagement_score"] = saturate(out["engagement_points"], s.half_saturation_points)
    return out[list(COLUMNS)]
