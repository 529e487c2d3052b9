"""The next step a routed disposition promises (QA-gate spec): ROUTE_SDR creates a task for the owner in the
ruleset's sequence on the channels consent allows, due within the speed-to-lead target of the owner's working
hours; ROUTE_AE a link to the owner's booking page (the ruleset's template). The CRM handoff sends both."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd

from leadgate_dagster.core.ruleset import Ruleset

STEP_COLUMNS = ("lead_id", "kind", "owner_email", "due_at", "channels", "sequence", "meeting_url")
TASK, MEETING_LINK = "task", "meeting_link"


def meeting_url(template: str, owner_email: str, lead_id: str) -> str:
    """The template with {owner_handle} (the mailbox name), {owner_email} and {lead_id} filled in, encoded."""
    handle = owner_email.split("@", 1)[0]
    return template.format(owner_handle=quote(handle, safe=""), owner_email=quote(owner_email, safe=""),
                           lead_id=quote(lead_id, safe=""))


def next_steps(routed: pd.DataFrame, rules: Ruleset) -> pd.DataFrame:
    """One step per routed lead with an owner.

    Args:
        routed: lead_id, disposition (ROUTE_SDR | ROUTE_AE), owner_email, start (when the owner takes the lead,
            an instant), allowed_channels (a list).
        rules: the active ruleset (`routing.speed_to_lead_minutes`, `sdr_task`, `meeting_link`).

    Returns:
        STEP_COLUMNS: a task's channels are the sequence's channels consent allows, in the sequence's order.
    """
    cfg = rules.routing
    if routed.empty:
        return pd.DataFrame(columns=list(STEP_COLUMNS))
    due = pd.to_datetime(routed["start"], utc=True) + pd.Timedelta(minutes=cfg.speed_to_lead_minutes)
    task = (routed["disposition"] == "ROUTE_SDR").to_numpy()
    sequence = cfg.sdr_task.channels
    channels = [[c for c in sequence if c in (allowed or [])] if t else []
                for t, allowed in zip(task, routed["allowed_channels"], strict=True)]
    urls = [None if t else meeting_url(cfg.meeting_link, o, lid)
            for t, o, lid in zip(task, routed["owner_email"], routed["lead_id"], strict=True)]
    return pd.DataFrame({"lead_id": routed["lead_id"].to_numpy(), "kind": [TASK if t else MEETING_LINK for t in task],
                         "owner_email": routed["owner_email"].to_numpy(), "due_at": [t.to_pydatetime() for t in due],
                         "channels": channels, "sequence": [cfg.sdr_task.sequence if t else None for t in task],
                         "meeting_url": urls})
