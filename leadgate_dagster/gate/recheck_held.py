"""The recheck of held leads (QA-gate spec: "auto-recheck periodically, every 6-12 hours, for signals that can
change"), the first step of `recheck_job`: a lead held with one of `review.recheck.codes` (DNS unknown,
catch-all, enrichment unavailable or stale) is validated again (the MX cache's short negative TTL lets a DNS
outage answer now) and its fallback lookups are made due, so the enrichment recheck that follows in the same
run asks the providers again and decides the lead anew. A lead the validation alone settles is decided here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.lead_schema import CANONICAL_FIELDS
from leadgate_dagster.core.review.clock import ReviewClock
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.validation import email_domains, validate_batch
from leadgate_dagster.gate.qualify import qualify_leads
from leadgate_dagster.gate.stages import write_validation
from leadgate_dagster.store import dispositions, enrichment_retries, enrichments, leads, review_sweep

MxLookup = Callable[[Iterable[str]], Mapping[str, Any]]
RECHECK = "recheck"


def recheck_held(engine: sa.Engine, rules: Ruleset, mx: MxLookup, *, now: datetime) -> dict[str, Any]:
    """Recheck the held leads due (at most `review.recheck.leads_per_run`); returns counts for the run's
    metadata: held leads rechecked, decided again, released (no longer held), lookups made due."""
    cfg = rules.review.recheck
    with engine.begin() as conn:
        claimed = review_sweep.claim_recheck(conn, codes=sorted(cfg.codes), interval=ReviewClock.from_rules(rules)
                                             .recheck, now=now, limit=cfg.leads_per_run)
        lead_ids = sorted({r.lead_id for r in claimed})
        df = leads.load_leads(conn, lead_ids, columns=[*CANONICAL_FIELDS, "replay_of"])
    report = {"held_rechecked": len(lead_ids), "held_redecided": 0, "held_released": 0, "lookups_rearmed": 0}
    if not lead_ids:
        return report
    originals = df[df["replay_of"].isna()]
    result = validate_batch(originals, rules=rules, mx=mx(email_domains(originals, rules)))  # DNS outside the tx
    with engine.begin() as conn:
        dispositions.lock(conn)
        write_validation(conn, result, rules)
        report["lookups_rearmed"] = enrichment_retries.rearm_for_leads(conn, lead_ids, now)
        redecide = enrichments.decided_with_replays(conn, lead_ids)
        if redecide:
            decided, _ = qualify_leads(conn, redecide, rules, decided_by=RECHECK, now=now)
            report["held_redecided"] = len(decided)
            report["held_released"] = int((decided["disposition"] != "QUARANTINE_REVIEW").sum())
    return report
