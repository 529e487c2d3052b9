"""The queue's deciding sweeps: the fallback at `review.fallback_after_hours` (at once for hopeless items) and
the expiry at `review.ttl_days`. Each decision is recorded as a disposition by actor `fallback` / `expiry`
(history kept) and in the decision log, in the transaction that closes or marks the item."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.review.actions import Kind
from leadgate_dagster.core.review.fallback import fallback_for, hopeless, pair_codes, set_aside
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.crm_handoff import announce
from leadgate_dagster.gate.qualify import redecide
from leadgate_dagster.store import dispositions, review_overrides, review_sweep

FALLBACK = "fallback"
EXPIRY = "expiry"
# only held leads and identity pairs fall back; an audit, a score review or a handoff exception waits for a
# person (escalated) until it expires
FALLING_BACK = (Kind.QUARANTINE.value, Kind.MERGE_CANDIDATE.value)
CHUNK = 2000


def plan_fallbacks(candidates: pd.DataFrame, rules: Ruleset) -> pd.DataFrame:
    """The fallback each candidate takes now (`action`), and whether it is taken early because the item is
    hopeless; candidates neither due nor hopeless are dropped."""
    if candidates.empty:
        return candidates.assign(action=pd.Series(dtype=object), early=pd.Series(dtype=bool))
    action = [fallback_for(codes, rules) for codes in candidates["reason_codes"]]
    # a pair's fallback keeps it apart unless its family holds it
    action = [a if kind == Kind.QUARANTINE or a == "hold" else "keep_apart"
              for a, kind in zip(action, candidates["kind"], strict=True)]
    early = [kind == Kind.QUARANTINE and not due and hopeless(codes, channels, rules)
             for kind, due, codes, channels in zip(candidates["kind"], candidates["due"], candidates["reason_codes"],
                                                   candidates["allowed_channels"], strict=True)]
    out = candidates.assign(action=action, early=early)
    return out[out["due"] | out["early"]]


def take_fallbacks(engine: sa.Engine, rules: Ruleset, now: datetime) -> dict[str, Any]:
    """Apply every due fallback (and the hopeless items' at once); returns counts per action."""
    with engine.connect() as conn:
        plan = plan_fallbacks(review_sweep.fallback_candidates(conn, now, FALLING_BACK), rules)
    counts: Counter[str] = Counter()
    for start in range(0, len(plan), CHUNK):
        with engine.begin() as conn:
            dispositions.lock(conn)  # before any item's row lock (the order qualification takes them in)
            chunk = plan.iloc[start:start + CHUNK]
            chunk = chunk[chunk["review_id"].isin(review_sweep.claim_fallback(conn, list(chunk["review_id"]), now))]
            for action, rows in chunk.groupby("action"):
                _apply(conn, str(action), rows, rules, now)
                counts[str(action)] += len(rows)
    return {"fallbacks": sum(counts.values()), "fallback_early": int(plan["early"].sum()) if len(plan) else 0,
            **{f"fallback_{a}": n for a, n in sorted(counts.items())}}


def _apply(conn: sa.Connection, action: str, rows: pd.DataFrame, rules: Ruleset, now: datetime) -> None:
    pairs = list(zip(rows["review_id"].astype(int), rows["lead_id"], strict=True))
    if action == "hold":
        review_sweep.log_many(conn, pairs, action="hold", actor=FALLBACK, after="held", now=now)
        return
    ids = [p[0] for p in pairs]
    review_sweep.close(conn, ids, status="resolved", resolution=f"fallback:{action}", resolved_by=FALLBACK, now=now)
    leads = sorted(set(rows["lead_id"]))
    if action == "reject":
        dispositions.restate(conn, leads, "REJECT", decided_by=FALLBACK)
        announce(conn, leads, rules)
        review_sweep.log_many(conn, pairs, action="reject", actor=FALLBACK, after="REJECT", now=now)
        return
    waived = [set_aside(codes, rules) if kind == Kind.QUARANTINE else list(codes)
              for kind, codes in zip(rows["kind"], rows["reason_codes"], strict=True)]
    review_overrides.waive(conn, list(rows["lead_id"]), waived, actor=FALLBACK, review_ids=ids,
                           note=f"review fallback: {action}", now=now)
    redecide(conn, leads, rules, decided_by=FALLBACK, now=now)
    review_sweep.log_many(conn, pairs, action=action, actor=FALLBACK, after="decided again", now=now)


def expire(engine: sa.Engine, rules: Ruleset, now: datetime) -> dict[str, Any]:
    """Expire the items past their TTL: a held lead gets `review.expiry_disposition`, an identity pair is
    kept apart (its lead decided again without the pair's codes); audits and score reviews just close."""
    with engine.begin() as conn:
        dispositions.lock(conn)
        closed = review_sweep.expire_due(conn, now)
        held = sorted({r.lead_id for r in closed if r.kind == Kind.QUARANTINE})
        target = rules.review.expiry_disposition
        dispositions.restate(conn, held, target, decided_by=EXPIRY, only_from="QUARANTINE_REVIEW")
        announce(conn, held, rules)
        paired = [r for r in closed if r.kind == Kind.MERGE_CANDIDATE]
        review_overrides.waive(conn, [r.lead_id for r in paired], [sorted(pair_codes())] * len(paired),
                               actor=EXPIRY, review_ids=[r.review_id for r in paired], note="pair expired", now=now)
        redecide(conn, sorted({r.lead_id for r in paired}), rules, decided_by=EXPIRY, now=now)
        review_sweep.log_many(conn, [(r.review_id, r.lead_id) for r in closed], action="expire", actor=EXPIRY,
                              after="expired", now=now)
    return {"expired": len(closed), "expired_holds": len(held), "expiry_disposition": target}
