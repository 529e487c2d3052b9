"""Owners and leads as routing's core reads them, for the core routing tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd

from leadgate_dagster.core.routing.assign import Assignment, assign_owners
from leadgate_dagster.core.routing.places import lead_places
from leadgate_dagster.core.routing.roster import roster_at
from leadgate_dagster.core.routing.territory import specificity
from leadgate_dagster.core.ruleset import Ruleset, load_ruleset

RULES = load_ruleset()
NOW = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)  # a Tuesday: 10:00 in New York, 16:00 in Berlin
OWNER_DEFAULTS: dict[str, Any] = {"role": "sdr", "countries": [], "regions": [], "postal_prefixes": [],
                                  "segment": None, "daily_capacity": None, "weight": 1, "timezone": "UTC",
                                  "working_hours": None, "active": True}


def owners(*specs: dict[str, Any], now: datetime = NOW, rules: Ruleset = RULES, **loads: int) -> pd.DataFrame:
    """A roster from owner dicts (email + what differs from OWNER_DEFAULTS), at `now`; `loads` by mailbox name."""
    frame = pd.DataFrame([{**OWNER_DEFAULTS, "name": s["email"], **s} for s in specs])
    roster = roster_at(frame, now, rules.routing.territory_precedence)
    return roster.assign(load=[loads.get(e.split("@")[0], 0) for e in roster["email"]])


def leads(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), index=[f"l{i}" for i in range(len(rows))])


def route(lead_rows: pd.DataFrame, roster: pd.DataFrame, *, role: str = "sdr",
          rotation: dict[str, dict[str, float]] | None = None, rules: Ruleset = RULES,
          **columns: list[Any]) -> Assignment:
    """Assign owners to every lead as the pipeline does (territory only unless `columns` give kept / person /
    account owners)."""
    n = len(lead_rows)
    requests = pd.DataFrame({"role": [role] * n, "person_id": [None] * n, "kept_owner": [None] * n,
                             "kept_rule": [None] * n, "person_owner": [None] * n, "account_owner": [None] * n,
                             **columns}, index=lead_rows.index)
    scores = specificity(lead_places(lead_rows, rules), roster, rules.routing.territory_precedence)
    return assign_owners(requests, scores, roster, rotation or {})
