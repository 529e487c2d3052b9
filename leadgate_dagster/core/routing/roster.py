"""The active owners as routing sees them at one instant: whether each is in working hours, when each would
take a lead, the day of their own calendar that lead counts against, and the name of their territory rule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from leadgate_dagster.core.routing.hours import availability, parse_hours
from leadgate_dagster.core.routing.territory import rule_label


def roster_at(owners: pd.DataFrame, now: datetime, precedence: Sequence[str]) -> pd.DataFrame:
    """`owners` (core.routing.owners columns, active ones) plus in_hours, start (an instant: `now` when in
    hours, else the next shift's start), day (the local date of `start`) and label (core.routing.territory).

    Stored working hours were checked at import; a value that no longer parses counts as any time, so an owner
    is never silently dropped from routing by a later change of the parser."""
    in_hours, starts, days, labels = [], [], [], []
    for o in owners.itertuples(index=False):
        zone = ZoneInfo(o.timezone)
        try:
            windows = parse_hours(o.working_hours)
        except ValueError:
            windows = ()
        when = availability(windows, zone, now)
        start = when.start or now
        in_hours.append(when.in_hours)
        starts.append(start)
        days.append(start.astimezone(zone).date())
        labels.append(rule_label(o._asdict(), precedence))
    return owners.assign(in_hours=in_hours, start=starts, day=days, label=labels)
