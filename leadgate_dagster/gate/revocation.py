"""Revocations take effect everywhere, at once: a suppression entry (`leadgate suppress add/import`) or a revoking
behaviour event (unsubscribe, sms_stop, email_hard_bounce) re-decides the current decisions of every lead it
covers in the transaction that records it, so `qualified_leads` shows the narrowed channels and the CRM outbox
has its rows before the transaction commits (core/revocation.py says how a reviewer's decision is narrowed).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.revocation import HARD_BOUNCE, REVOKING_EVENTS, narrow
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.suppression import match_suppressions
from leadgate_dagster.core.suppression_entries import Entries
from leadgate_dagster.gate.crm_handoff import announce
from leadgate_dagster.gate.qualify import qualify_leads
from leadgate_dagster.store import dispositions, leads, suppressions

DECIDED_BY = "revocation"
# what the suppression matcher reads of a lead
_KEY_COLUMNS = ("email_key", "email_normalized", "email", "phone_e164", "email_domain", "validation")


def suppress(engine: sa.Engine, entries: Entries, rules: Ruleset, *, now: datetime | None = None) -> dict[str, int]:
    """Store suppression entries and re-decide the leads they cover, in one transaction: new, updated (the
    stricter date kept), leads decided again, decisions changed."""
    with engine.begin() as conn:
        new, updated = suppressions.upsert(conn, entries.frame)
        effect = revoke(conn, entries.frame, rules, now=now)
    return {"new": new, "updated": updated, **effect}


def revoke_by_events(conn: sa.Connection, events: pd.DataFrame, rules: Ruleset, *,
                     now: datetime | None = None) -> dict[str, int]:
    """The revoking ones among newly stored behaviour events (event_type, lead_id, email_key, source,
    occurred_at) become suppression entries; a hard bounce also marks its address invalid; then `revoke`."""
    mine = events[events["event_type"].isin(list(REVOKING_EVENTS))] if len(events) else events
    if mine.empty:
        return {"revocations": 0, "redecided": 0, "changed": 0}
    given = mine.assign(channel=mine["event_type"].map(lambda t: REVOKING_EVENTS[t].value),
                        reason=mine["event_type"], source="event:" + mine["source"].astype(str))
    entries = suppressions.entries_from_events(conn, given)
    suppressions.upsert(conn, entries)
    bounced = entries[(entries["reason"] == HARD_BOUNCE) & (entries["key_type"] == "email")]
    leads.mark_bounced(conn, list(bounced["key"]))
    return {"revocations": len(entries), **revoke(conn, entries, rules, now=now)}


def revoke(conn: sa.Connection, entries: pd.DataFrame, rules: Ruleset, *, now: datetime | None = None) -> dict[str, int]:
    """Re-decide, in the caller's transaction, every lead with a current decision that `entries` (key_type, key)
    cover: a machine decision by qualification (decided_by `revocation`), a reviewer's narrowed. Each changed
    decision gets its CRM outbox row. Returns leads decided again and decisions changed."""
    now = now or datetime.now(UTC)
    covered = suppressions.covered_leads(conn, entries)
    if not covered:
        return {"redecided": 0, "changed": 0}
    current = dispositions.current(conn, covered)
    by_reviewer = current[current["decided_by"].astype(str).str.startswith("reviewer")]
    machine = sorted(set(covered) - set(by_reviewer.index))
    changed = 0
    chunk = rules.scoring.rescore.chunk_leads
    for start in range(0, len(machine), chunk):
        _, written = qualify_leads(conn, machine[start:start + chunk], rules, decided_by=DECIDED_BY, now=now)
        changed += written
    changed += _narrow_reviewed(conn, by_reviewer, rules, now)
    return {"redecided": len(covered), "changed": changed}


def _narrow_reviewed(conn: sa.Connection, current: pd.DataFrame, rules: Ruleset, now: datetime) -> int:
    if current.empty:
        return 0
    ids = list(current.index)
    keys = leads.load_leads(conn, ids, columns=_KEY_COLUMNS)
    keys["mobile_e164"] = keys.pop("validation").map(lambda v: v.get("mobile_e164") if isinstance(v, dict) else None)
    hits = match_suppressions(keys.reindex(ids), suppressions.for_leads(conn, ids), as_of=pd.Timestamp(now))
    columns = [c for c in dispositions.COLUMNS if c != "is_current"]
    narrowed = narrow(current, hits, columns)
    written = dispositions.record(conn, narrowed) if len(narrowed) else 0
    announce(conn, ids, rules)
    return written


def counts(report: dict[str, Any]) -> str:
    """A line for the command line."""
    return f"{report.get('redecided', 0)} leads decided again, {report.get('changed', 0)} decisions changed"
