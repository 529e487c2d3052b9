"""Routing in the decision's transaction: every ROUTE_SDR / ROUTE_AE decision gets its owner (or NO_OWNER and a
handoff_exception item) before it is recorded, and its next step (task or meeting link) after.

Concurrency: assignment reads the owners' loads and the round robin's totals and writes them back under the
disposition writers' transaction lock (store.dispositions.lock), taken before the first read, so two batches
deciding at once assign one after the other: no owner goes over capacity and each pool's rotation stays exact.
Routing is live once one active owner exists; before that a routed decision carries no owner and no code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.review.clock import ReviewClock
from leadgate_dagster.core.routing.assign import NO_OWNER, REVIEWER, ROLE_OF, Assignment, assign_owners
from leadgate_dagster.core.routing.next_steps import next_steps
from leadgate_dagster.core.routing.places import lead_places
from leadgate_dagster.core.routing.roster import roster_at
from leadgate_dagster.core.routing.territory import covered_specifically, specificity
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.account_match import ACCOUNT_FIELDS
from leadgate_dagster.gate.crm_handoff import announce
from leadgate_dagster.gate.lead_inputs import lead_inputs
from leadgate_dagster.store import dispositions, handoff_items, owners, routing_facts
from leadgate_dagster.store import next_steps as steps_store
from leadgate_dagster.store.accounts import facts as account_facts

OWNER_FIELDS = ("owner_email", "owner_rule")


@dataclass(frozen=True, slots=True)
class Routed:
    """Decisions with their routing columns, and when each routed lead's owner takes it (for its next step)."""

    decided: pd.DataFrame
    start: pd.Series


def route(conn: sa.Connection, leads: pd.DataFrame, decided: pd.DataFrame, rules: Ruleset, *,
          now: datetime, places: pd.DataFrame | None = None) -> Routed:
    """Give every routed decision of `decided` (index lead_id) an owner, under the disposition writers' lock.

    Args:
        conn: the decision's transaction.
        leads: the leads' inputs (gate.lead_inputs plus gate.account_match's columns), index lead_id.
        decided: one decision per lead (disposition, reason_codes, replay_of); a replay carries its original's
            decision, owner and account match included, and keeps them.
        rules: the active ruleset.
        now: the decision time (working hours, the day a lead counts against).
        places: core.routing.places.lead_places of `leads`, when the caller has them already.

    Returns:
        Routed: `decided` with OWNER_FIELDS and ACCOUNT_FIELDS, NO_OWNER in the codes of a routed lead no one
        could take (routing live), and each owned lead's start.
    """
    dispositions.lock(conn)
    out = decided.copy()
    replay = out["replay_of"].notna() if "replay_of" in out else pd.Series(False, index=out.index)
    for col in (*OWNER_FIELDS, *ACCOUNT_FIELDS):
        carried = out[col].astype(object) if col in out else pd.Series(None, index=out.index, dtype=object)
        own = leads[col].reindex(out.index) if col in ACCOUNT_FIELDS else pd.Series(None, index=out.index)
        out[col] = pd.Series([c if r else o for c, o, r in zip(carried, own.astype(object), replay, strict=True)],
                             index=out.index, dtype=object)
    routed = out["disposition"].isin(list(ROLE_OF))
    out.loc[~routed, list(OWNER_FIELDS)] = None
    start = pd.Series(None, index=out.index, dtype=object)
    roster = owners.load(conn)
    if not roster.empty:
        roster = roster_at(roster, now, rules.routing.territory_precedence)
        todo = out.index[routed & ~replay]
        if places is None:
            places = lead_places(leads.loc[todo], rules)
        assignment = _assign(conn, leads.loc[todo], places.loc[todo], out.loc[todo], roster, rules).owners
        out.loc[todo, list(OWNER_FIELDS)] = assignment[list(OWNER_FIELDS)]
        for lid in out.index[routed & replay]:  # an original decided in this batch has just been routed
            if (original := out.at[lid, "replay_of"]) in todo:
                out.loc[lid, list(OWNER_FIELDS)] = out.loc[original, list(OWNER_FIELDS)].to_list()
        starts = dict(zip(roster["email"], roster["start"], strict=True))
        start = pd.Series([starts.get(e, now) for e in out["owner_email"]], index=out.index, dtype=object)
    without = (routed & out["owner_email"].isna()).to_numpy() & (not roster.empty)
    out["reason_codes"] = [[*(c for c in codes if c != NO_OWNER), *([NO_OWNER] if w else [])]
                           for codes, w in zip(out["reason_codes"], without, strict=True)]
    return Routed(out, start)


def ae_territory(conn: sa.Connection, leads: pd.DataFrame, places: pd.DataFrame, rules: Ruleset) -> pd.Series:
    """Per lead: is it AE territory (`routing.ae_territory_from_owners`)? An active AE covers it by a territory
    rule (not as a catch-all), or its matched account has an active owner. Read before the decision, for the
    ROUTE_AE precedence rule's territory."""
    roster = owners.load(conn) if rules.routing.ae_territory_from_owners else pd.DataFrame()
    if roster.empty or leads.empty:
        return pd.Series(False, index=leads.index)
    aes = roster[roster["role"] == "ae"]
    scores = specificity(places, aes, rules.routing.territory_precedence)
    covered = covered_specifically(scores, np.ones(len(aes), dtype=bool))
    account = leads["account_owner"].isin(set(roster["email"])) if "account_owner" in leads else False
    return pd.Series(covered, index=leads.index) | account


def _assign(conn: sa.Connection, leads: pd.DataFrame, places: pd.DataFrame, decided: pd.DataFrame,
            roster: pd.DataFrame, rules: Ruleset) -> Assignment:
    """The core assignment over the leads that need an owner (in lead id order), its state read and written."""
    ids = sorted(decided.index)
    leads, places, decided = leads.loc[ids], places.loc[ids], decided.loc[ids]
    context = routing_facts.owner_context(conn, ids).reindex(ids)
    role = decided["disposition"].map(ROLE_OF)
    same_role = context["disposition"].map(ROLE_OF) == role  # a lead's owner stays while its role does
    requests = pd.DataFrame({
        "role": role,
        "person_id": context["person_id"],
        "kept_owner": context["owner_email"].where(same_role, None),
        "kept_rule": context["owner_rule"].where(same_role, None),
        "person_owner": context["person_owner"],
        "account_owner": leads.get("account_owner"),
    }, index=ids)
    scores = specificity(places, roster, rules.routing.territory_precedence)
    days = dict(zip(roster["email"], roster["day"], strict=True))
    loads = owners.loads(conn, days)
    table = roster.assign(load=[loads.get(e, 0) for e in roster["email"]])
    result = assign_owners(requests, scores, table, owners.rotation(conn))
    owners.save_state(conn, {(email, days[email]): n for email, n in result.counted.items()}, result.rotation)
    return result


def recordable(decided: pd.DataFrame) -> pd.DataFrame:
    """The columns `store.dispositions.record` writes (lead_id from the index)."""
    return decided.assign(lead_id=decided.index)[[c for c in dispositions.COLUMNS if c != "is_current"]]


def after_record(conn: sa.Connection, routed: Routed, rules: Ruleset, *, now: datetime) -> dict[str, int]:
    """The next steps of the recorded decisions and their no-owner review items, set-based."""
    decided = routed.decided
    owned = decided["owner_email"].notna() & decided["disposition"].isin(list(ROLE_OF))
    # a replay is the same submission again, and a duplicate of an open routed lead is not routed again: the
    # step already open for the person stands
    if "replay_of" in decided:
        owned &= decided["replay_of"].isna()
    if "disposition_rule" in decided:
        owned &= decided["disposition_rule"] != "duplicate_of_routed"
    rows = decided[owned].assign(lead_id=decided.index[owned], start=routed.start[owned])
    created, superseded = steps_store.write(conn, next_steps(rows, rules), list(decided.index), now=now)
    opened, closed = handoff_items.sync_no_owner(
        conn, list(decided.index), code=NO_OWNER, clock=ReviewClock.from_rules(rules), now=now,
        any_carry=any(NO_OWNER in codes for codes in decided["reason_codes"]))
    return {"next_steps": created, "next_steps_superseded": superseded, "no_owner_items": opened,
            "no_owner_items_closed": closed}


def reroute(conn: sa.Connection, lead_ids: Sequence[str], rules: Ruleset, *, now: datetime,
            decided_by: str) -> int:
    """Route these leads' current decisions again without deciding them again (a reviewer's or a rule's
    decision stands): a routed lead whose owner left (inactive, or no longer of the disposition's role), or
    that has none, gets one as a new decision by `decided_by`; a lead no longer routed has its open next step
    superseded. Returns how many decisions changed."""
    dispositions.lock(conn)
    current = dispositions.current(conn, lead_ids)
    if current.empty:
        return 0
    leads = lead_inputs(conn, list(current.index))
    facts = account_facts(conn, set(current["account_id"].dropna()))
    for col in ACCOUNT_FIELDS:
        leads[col] = current[col]
    leads["account_owner"] = current["account_id"].map(facts["owner_email"])
    leads["account_segment"] = current["account_id"].map(facts["segment"])
    decided = current.drop(columns=list(OWNER_FIELDS)).assign(decided_by=decided_by)
    routed = route(conn, leads, decided, rules, now=now)
    written = dispositions.record(conn, recordable(routed.decided))
    after_record(conn, routed, rules, now=now)
    if written:
        announce(conn, list(current.index), rules)  # the new owners reach the CRM outbox
    return written


def assign_owner(conn: sa.Connection, lead_id: str, email: str, rules: Ruleset, *, now: datetime,
                 actor: str) -> None:
    """A person's choice of owner for a routed lead (the review queue's assign_owner); raises ValueError when
    the owner is not active or the lead is not routed."""
    dispositions.lock(conn)
    roster = owners.load(conn)
    chosen = roster[roster["email"] == email.strip().lower()]
    if chosen.empty:
        raise ValueError(f"{email} is not an active owner (see leadgate owners list)")
    current = dispositions.current(conn, [lead_id])
    disposition = current.iloc[0]["disposition"] if len(current) else None
    if disposition not in ROLE_OF:
        raise ValueError(f"lead {lead_id} is not routed to sales (its disposition: {disposition or 'none yet'})")
    owner = roster_at(chosen, now, rules.routing.territory_precedence).iloc[0]
    codes = [c for c in current.iloc[0]["reason_codes"] if c != NO_OWNER]
    decided = current.assign(owner_email=owner["email"], owner_rule=REVIEWER, decided_by=actor, reason_codes=[codes])
    dispositions.record(conn, recordable(decided))
    owners.save_state(conn, {(owner["email"], owner["day"]): 1}, {})
    after_record(conn, Routed(decided, pd.Series([owner["start"]], index=decided.index, dtype=object)), rules,
                 now=now)


def summary(decided: pd.DataFrame) -> dict[str, Any]:
    """Routing figures for a stage report: owners per rule, no owner, account matches, alternate offers."""
    owned = decided["owner_email"].notna()
    return {"owners_assigned": int(owned.sum()),
            "no_owner": int(sum(NO_OWNER in c for c in decided["reason_codes"])),
            "owner_rules": dict(Counter(decided.loc[owned, "owner_rule"])),
            "account_matches": dict(Counter(decided["account_match"].dropna())),
            "alternate_offers": int(decided["alternate_offer"].notna().sum())}
