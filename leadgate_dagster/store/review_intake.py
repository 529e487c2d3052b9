"""How items enter the queue, set-based: identity pairs (with the identity stage's write), held leads (with the
disposition write, and as a catch-up by the queue job), the weekly merge audit sample and score reviews.

Every insert is idempotent: the unique index allows one open item per (lead, kind, candidate), and an audit or
score review already raised (open or closed) for the same merge or decision is never raised again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.review.clock import ReviewClock

_DUE = """:now + make_interval(secs => :sla_s), :now + make_interval(secs => :fallback_s),
          :now + make_interval(secs => :ttl_s)"""
_OPEN = "status IN ('open', 'in_progress')"


def add_pairs(conn: sa.Connection, reviews: pd.DataFrame, codes: Sequence[str], clock: ReviewClock,
              now: datetime) -> int:
    """Open a merge_candidate item per identity pair (lead_id, candidate_person_id, candidate_lead_id, tier,
    probability, explanation), with its reason code (`codes`, aligned)."""
    if reviews.empty:
        return 0
    return conn.execute(sa.text(f"""
        INSERT INTO leadgate.review_items (kind, lead_id, source, candidate_person_id, candidate_lead_id, tier,
                                           probability, explanation, reason_codes, created_at, updated_at,
                                           due_at, fallback_at, expires_at)
        SELECT 'merge_candidate', q.l, l.source, q.p, q.c, q.t, q.pr, q.e, ARRAY[q.code], :now, :now, {_DUE}
        FROM unnest(CAST(:l AS text[]), CAST(:p AS text[]), CAST(:c AS text[]), CAST(:t AS text[]),
                    CAST(:pr AS double precision[]), CAST(:e AS text[]), CAST(:code AS text[]))
             q(l, p, c, t, pr, e, code)
        LEFT JOIN leadgate.leads l ON l.lead_id = q.l
        ON CONFLICT DO NOTHING
    """), {"l": list(reviews["lead_id"]), "p": list(reviews["candidate_person_id"]),
           "c": list(reviews["candidate_lead_id"]), "t": list(reviews["tier"]),
           "pr": [float(x) for x in reviews["probability"]], "e": list(reviews["explanation"]), "code": list(codes),
           "now": now, **clock.seconds()}).rowcount


# the leads in scope: these ids, or (for the queue job's catch-up) every lead
_SCOPE = {True: "AND d.lead_id = ANY(:ids)", False: ""}


def sync_quarantine(conn: sa.Connection, lead_ids: Sequence[str] | None, *, holding: Sequence[str],
                    pair_codes: Sequence[str], clock: ReviewClock, now: datetime) -> tuple[int, int]:
    """Make the quarantine items agree with the current dispositions of these leads (None: all leads).

    A held lead gets one open item carrying its holding codes (those an open identity pair stands for are
    left to that pair's item; a lead held only by its pair gets none), refreshed when the lead is decided
    again; the open item of a lead no longer held is resolved by whatever decided it (`resolved_by` = the
    decision's decided_by), and the decision log says so.

    Returns:
        (items opened or refreshed, items resolved).
    """
    scoped = lead_ids is not None
    params: dict[str, Any] = {"holding": list(holding), "pair": list(pair_codes), "now": now, **clock.seconds()}
    if scoped:
        params["ids"] = list(lead_ids or [])
    opened = conn.execute(sa.text(f"""
        WITH held AS (
          SELECT d.disposition_id, d.lead_id, l.source,
                 EXISTS (SELECT 1 FROM leadgate.review_items m WHERE m.lead_id = d.lead_id
                         AND m.kind = 'merge_candidate' AND m.{_OPEN}) AS paired,
                 d.reason_codes
          FROM leadgate.dispositions d JOIN leadgate.leads l ON l.lead_id = d.lead_id
          WHERE d.is_current AND d.disposition = 'QUARANTINE_REVIEW' {_SCOPE[scoped]}
        ), coded AS (
          SELECT h.*, ARRAY(SELECT c FROM unnest(h.reason_codes) WITH ORDINALITY u(c, i)
                            WHERE c = ANY(:holding) AND NOT (h.paired AND c = ANY(:pair)) ORDER BY i) AS codes
          FROM held h
        )
        INSERT INTO leadgate.review_items AS r (kind, lead_id, source, disposition_id, reason_codes, created_at,
                                                updated_at, due_at, fallback_at, expires_at)
        SELECT 'quarantine', c.lead_id, c.source, c.disposition_id, c.codes, :now, :now, {_DUE}
        FROM coded c WHERE cardinality(c.codes) > 0 OR NOT c.paired
        ON CONFLICT (lead_id, kind, candidate_lead_id) WHERE {_OPEN} DO UPDATE
          SET disposition_id = EXCLUDED.disposition_id, reason_codes = EXCLUDED.reason_codes,
              version = r.version + 1, updated_at = EXCLUDED.updated_at
          WHERE r.disposition_id IS DISTINCT FROM EXCLUDED.disposition_id
    """), params).rowcount
    closed = conn.execute(sa.text(f"""
        WITH gone AS (
          UPDATE leadgate.review_items r
          SET status = 'resolved', resolved_at = :now, resolved_by = d.decided_by, resolution = 'redecided',
              version = r.version + 1, updated_at = :now
          FROM leadgate.dispositions d
          WHERE r.kind = 'quarantine' AND r.{_OPEN} AND d.lead_id = r.lead_id AND d.is_current
            AND d.disposition <> 'QUARANTINE_REVIEW' {_SCOPE[scoped]}
          RETURNING r.review_id, r.lead_id, d.decided_by, d.disposition, d.disposition_id, r.assignee
        )
        INSERT INTO leadgate.review_decisions (review_id, lead_id, action, actor, before, after, disposition_id,
                                               decided_at)
        SELECT g.review_id, g.lead_id, 'redecided', g.decided_by,
               jsonb_build_object('disposition', 'QUARANTINE_REVIEW', 'assignee', g.assignee),
               jsonb_build_object('status', 'resolved', 'disposition', g.disposition), g.disposition_id, :now
        FROM gone g
    """), params).rowcount
    return opened, closed


def add_merge_audits(conn: sa.Connection, *, week_start: datetime, week_end: datetime, sample_size: int,
                     seed: str, clock: ReviewClock, now: datetime) -> int:
    """Draw the week's audit sample: the `sample_size` automatic merges (lead links joined by a tier A/B match,
    and person merges by a rule) made in [week_start, week_end) with the smallest md5(seed || id), each a
    merge_audit item unless it was drawn before. The same week and seed always draw the same sample."""
    return conn.execute(sa.text(f"""
        WITH population AS (
          SELECT lp.lead_id, lp.person_id, lp.duplicate_of AS candidate_lead_id, NULL::bigint AS merge_id, lp.tier,
                 lp.probability, lp.evidence AS explanation, md5(:seed || ':link:' || lp.lead_id) AS draw
          FROM leadgate.lead_person lp
          WHERE lp.decision = 'auto_merge' AND lp.matched_at >= :start AND lp.matched_at < :end
          UNION ALL
          SELECT pa.first_lead_id, m.survivor, ps.first_lead_id, m.merge_id, m.tier, m.probability,
                 m.evidence ->> 'explanation', md5(:seed || ':merge:' || m.merge_id)
          FROM leadgate.merge_log m
          JOIN leadgate.persons pa ON pa.person_id = m.absorbed JOIN leadgate.persons ps ON ps.person_id = m.survivor
          WHERE m.action = 'merge' AND m.actor LIKE 'rule:%' AND m.undone_at IS NULL
            AND m.created_at >= :start AND m.created_at < :end
        ), sample AS (SELECT * FROM population ORDER BY draw LIMIT :n)
        INSERT INTO leadgate.review_items (kind, lead_id, source, candidate_person_id, candidate_lead_id, merge_id,
                                           tier, probability, explanation, reason_codes, created_at, updated_at,
                                           due_at, fallback_at, expires_at)
        SELECT 'merge_audit', s.lead_id, l.source, s.person_id, s.candidate_lead_id, s.merge_id, s.tier,
               s.probability, s.explanation, ARRAY['MERGE_AUDIT_SAMPLE'], :now, :now, {_DUE}
        FROM sample s LEFT JOIN leadgate.leads l ON l.lead_id = s.lead_id
        WHERE NOT EXISTS (SELECT 1 FROM leadgate.review_items r WHERE r.kind = 'merge_audit'
                          AND r.lead_id = s.lead_id AND r.merge_id IS NOT DISTINCT FROM s.merge_id)
        ON CONFLICT DO NOTHING
    """), {"seed": seed, "start": week_start, "end": week_end, "n": sample_size, "now": now,
           **clock.seconds()}).rowcount


def score_review_candidates(conn: sa.Connection, *, since: datetime, dispositions: Sequence[str],
                            size_bands: Sequence[str]) -> pd.DataFrame:
    """Current decisions since `since` that might need a person's look at their score and have not had one:
    decided as one of `dispositions`, and with a model priority, intent, a neutral fallback or a size band of
    `size_bands`. Columns as `core.review.score_review.score_review_codes` reads them."""
    return pd.read_sql(sa.text("""
        SELECT d.disposition_id, d.lead_id, l.source, d.disposition, d.score, d.score_reachability,
               d.priority_score, d.score_inputs -> 'priority' ->> 'priority_source' AS priority_source,
               jsonb_array_length(COALESCE(d.score_inputs -> 'engagement' -> 'intent_signals', '[]')) > 0 AS intent,
               'SCORE_NEUTRAL_FALLBACK' = ANY(d.reason_codes) AS neutral_fallback,
               d.score_inputs -> 'reachability' AS reachability,
               d.score_inputs -> 'fit' ->> 'company_size' AS size_band
        FROM leadgate.dispositions d JOIN leadgate.leads l ON l.lead_id = d.lead_id
        WHERE d.is_current AND d.decided_at >= :since AND d.disposition = ANY(:dispositions)
          AND (d.model_version <> 'rules' OR 'SCORE_NEUTRAL_FALLBACK' = ANY(d.reason_codes)
               OR jsonb_array_length(COALESCE(d.score_inputs -> 'engagement' -> 'intent_signals', '[]')) > 0
               OR d.score_inputs -> 'fit' ->> 'company_size' = ANY(:bands))
          AND NOT EXISTS (SELECT 1 FROM leadgate.review_items r
                          WHERE r.kind = 'score_review' AND r.disposition_id = d.disposition_id)
    """), conn, params={"since": since, "dispositions": list(dispositions), "bands": list(size_bands)})


def add_score_reviews(conn: sa.Connection, flagged: pd.DataFrame, clock: ReviewClock, now: datetime) -> int:
    """One score_review item per flagged decision (disposition_id, lead_id, source, codes)."""
    if flagged.empty:
        return 0
    return conn.execute(sa.text(f"""
        INSERT INTO leadgate.review_items (kind, lead_id, source, disposition_id, reason_codes, created_at,
                                           updated_at, due_at, fallback_at, expires_at)
        SELECT 'score_review', q.l, q.s, q.d, string_to_array(q.c, ','), :now, :now, {_DUE}
        FROM unnest(CAST(:l AS text[]), CAST(:s AS text[]), CAST(:d AS bigint[]), CAST(:c AS text[])) q(l, s, d, c)
        ON CONFLICT DO NOTHING
    """), {"l": list(flagged["lead_id"]), "s": [None if pd.isna(s) else s for s in flagged["source"]],
           "d": [int(x) for x in flagged["disposition_id"]], "c": [",".join(c) for c in flagged["codes"]],
           "now": now, **clock.seconds()}).rowcount
