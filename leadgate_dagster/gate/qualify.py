"""The qualification stage: consent, eligibility, scores and exactly one disposition per lead."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.disposition import decide
from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.review.overrides import adjust_priorities
from leadgate_dagster.core.routing.places import lead_places
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.top_reasons import top_reasons
from leadgate_dagster.gate import routing
from leadgate_dagster.gate.account_match import with_accounts
from leadgate_dagster.gate.crm_handoff import announce
from leadgate_dagster.gate.lead_inputs import lead_inputs
from leadgate_dagster.gate.review_sync import sync_held
from leadgate_dagster.gate.scoring_inputs import scoring_inputs
from leadgate_dagster.store import dispositions, intake, leads, review_overrides


def qualify_stage(engine: sa.Engine, batch_id: str, rules: Ruleset) -> dict[str, Any]:
    """Score and dispose every lead of the batch; a replay carries its original's disposition; then the
    batch's intake events are marked processed."""
    with engine.begin() as conn:
        lead_ids = list(leads.load_batch(conn, batch_id, columns=["batch_id"]).index)
        decided, written = qualify_leads(conn, lead_ids, rules, decided_by="pipeline")
        intake.mark_batch_done(conn, batch_id)
    return {"leads": len(decided), "written": written, **summary(decided, rules), **routing.summary(decided)}


def requalify(engine: sa.Engine, lead_ids: Sequence[str], rules: Ruleset, *, decided_by: str) -> dict[str, Any]:
    """Decide these leads again (a recheck's new enrichment, a re-score's events and decay): a changed
    decision becomes the current disposition by `decided_by`, the old one stays as history."""
    with engine.begin() as conn:
        decided, written = qualify_leads(conn, lead_ids, rules, decided_by=decided_by)
    return {"leads": len(decided), "changed": written, **summary(decided, rules)}


def redecide(conn: sa.Connection, lead_ids: Sequence[str], rules: Ruleset, *, decided_by: str,
             now: datetime) -> None:
    """Decide these leads again inside the caller's transaction, their overrides applied (a waived reason, a
    kept-apart pair, a reviewer's merge); a lead never decided yet is left to its batch."""
    decided = list(dispositions.current(conn, lead_ids)["lead_id"])
    if decided:
        qualify_leads(conn, decided, rules, decided_by=decided_by, now=now)


def summary(decided: pd.DataFrame, rules: Ruleset) -> dict[str, Any]:
    """Disposition mix, reject rate, top reasons (info codes left out: they sit on almost every lead) and any
    code outside the catalogue."""
    mix = Counter(decided["disposition"])
    codes = Counter(c for cs in decided["reason_codes"] for c in cs)
    return {"dispositions": dict(mix), "reject_rate": round(mix.get("REJECT", 0) / max(len(decided), 1), 4),
            "top_reasons": top_reasons(codes, rules), "unknown_codes": sorted(set(codes) - set(CATALOGUE))}


def qualify_leads(conn: sa.Connection, lead_ids: Sequence[str], rules: Ruleset, *, decided_by: str,
                  now: datetime | None = None) -> tuple[pd.DataFrame, int]:
    """Decide these leads and record the result; returns the decisions and how many rows changed.

    Routing, the review queue and the CRM outbox follow in the same transaction: a routed lead gets its owner
    and next step (or a handoff_exception item when no owner can take it), a lead now held has its quarantine
    item, the item of a lead no longer held is resolved by `decided_by` (`now`, default the current time,
    stamps all), and a changed decision that matters to the CRM gets its outbox row."""
    now = now or datetime.now(UTC)
    df = with_accounts(conn, lead_inputs(conn, lead_ids), rules)
    places = lead_places(df, rules)  # territory: for the AE condition and for assignment
    df["ae_territory"] = routing.ae_territory(conn, df, places, rules)
    waived, adjustments = review_overrides.of_leads(conn, list(df["lead_id"]))
    df["waived"] = df["lead_id"].map(lambda lid: waived.get(lid, []))  # a reviewer's verdicts stand
    extra = scoring_inputs(conn, df, rules)  # suppressions, events, partner counts, model
    fresh, replays = df[df["replay_of"].isna()], df[df["replay_of"].notna()]
    decided = _decide(fresh, rules, decided_by, extra)
    if len(replays):
        decided = pd.concat([decided, _replayed(conn, replays, decided, df, rules, decided_by, extra)])
    decided = adjust_priorities(decided, adjustments).assign(replay_of=df["replay_of"])
    routed = routing.route(conn, df, decided, rules, now=now, places=places)  # under the writers' lock
    written = dispositions.record(conn, routing.recordable(routed.decided))
    sync_held(conn, list(decided["lead_id"]), rules, now=now)
    routing.after_record(conn, routed, rules, now=now)
    if written:
        announce(conn, list(decided["lead_id"]), rules)  # the CRM outbox, with the owner and next step
    return routed.decided, written


def _decide(fresh: pd.DataFrame, rules: Ruleset, decided_by: str, extra: dict[str, Any]) -> pd.DataFrame:
    """Decide the batch; a duplicate whose earlier lead is in this same batch is decided again once that lead
    has its disposition, so the outcome does not depend on whether the two arrived together."""
    decided = decide(fresh, rules=rules, **extra)
    same_batch = fresh["duplicate_of"].isin(decided.index) & fresh["duplicate_of_disposition"].isna()
    if same_batch.any():
        again = fresh[same_batch].assign(
            duplicate_of_disposition=fresh.loc[same_batch, "duplicate_of"].map(decided["disposition"]))
        decided.loc[again.index] = decide(again, rules=rules, **extra)
    return decided.assign(lead_id=fresh["lead_id"], decided_by=decided_by)


def _replayed(conn: sa.Connection, replays: pd.DataFrame, decided: pd.DataFrame, df: pd.DataFrame,
              rules: Ruleset, decided_by: str, extra: dict[str, Any]) -> pd.DataFrame:
    """A replay carries its original's decision (from this batch or the store) plus its own intake codes."""
    originals = pd.concat([dispositions.current(conn, list(replays["replay_of"])), decided])
    originals = originals[~originals.index.duplicated(keep="last")]
    copied = []
    for lid, row in replays.iterrows():
        if row["replay_of"] in originals.index:
            base = originals.loc[row["replay_of"]].to_dict()
        else:  # its original is unknown here (e.g. lost to an unparseable record): decide it on its own
            base = decide(df.loc[[lid]], rules=rules, **extra).iloc[0].to_dict()
        codes = list(dict.fromkeys([*base["reason_codes"], *row["reasons"]]))
        copied.append({**base, "lead_id": lid, "reason_codes": codes, "decided_by": f"{decided_by}:replay"})
    return pd.DataFrame(copied, index=replays.index)
