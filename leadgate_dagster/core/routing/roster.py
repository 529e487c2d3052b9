"""The active owners as routing sees them at one instant: whether each is in working hours, when each would
take a lead, the day of their own calendar that lead counts against, and the name of their territory rule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from leadgate_dagster.core.routing.hours import availability, parse_hours
from leadgate_dagster.core.routing.territory import rule_label


def roster_at(owners: pd.DataFrame, now: datetime, precedence: Sequence[str]) -> pd.DataFrame:
    """`owners` (core.routing.owners columns, active ones) plus in_hours, start (an instant: `now` when in
    hours, else the next shift's start), day (the local date of `start`) and label (core.routing.territory).

    Stored working hours were checked at import; a value that no longer parses counts as any time, so an owner
    is never silently dropped from routing by a later change of the parser."""
    seen: dict[tuple[str, str | None], tuple[bool, datetime, date]] = {}
    for key in zip(owners["timezone"], owners["working_hours"], strict=True):  # per distinct schedule
        if key not in seen:
            zone = ZoneInfo(key[0])
            try:
                windows = parse_hours(key[1])
            except ValueError:
                windows = ()
            when = availability(windows, zone, now)
            start = when.start or now
            seen[key] = (when.in_hours, start, start.astimezone(zone).date())
    found = [seen[k] for k in zip(owners["timezone"], owners["working_hours"], strict=True)]
    labels = [rule_label(o, precedence) for o in owners[["countries", "regions", "postal_prefixes", "segment"]]
              .to_dict("records")]
    return owners.assign(in_hours=[f[0] for f in found], start=[f[1] for f in found], day=[f[2] for f in found],
                         label=labels)
