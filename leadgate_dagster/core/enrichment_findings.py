"""Enrichment answers as `enrichments` rows and as the `lead_checks` rows of stage "enrichment".

One code path for the enrichment stage (answers fresh from `enrich_batch`) and the recheck job (answers read
back from `enrichments`), so a lead re-decided after a recheck carries exactly the codes the stage would have
given it. Findings are computed once per distinct answer (and lead country, for IP_COUNTRY_MISMATCH), not
once per lead; a code that two providers raise (ENRICHMENT_UNAVAILABLE, say) is one row naming both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from leadgate_dagster.core.enrichment_signals import result_findings, velocity_findings
from leadgate_dagster.core.provider_results import STALE, UNAVAILABLE, ProviderResult
from leadgate_dagster.core.ruleset import Ruleset

VELOCITY = "velocity"  # the pseudo-provider of velocity counts: one row per lead, no lookup key
GIVEN_UP = "ENRICHMENT_RETRIES_EXHAUSTED"
_SOURCE_OUT = {"live": "provider", "offline": "provider", "cache": "cache", "stale_cache": "stale_cache",
               "neutral": "neutral"}
_STATUS_OUT = {"ok": "ok", "miss": "miss", "error": "unavailable"}
_DETAIL_MAX = 500

Answer = tuple[str, str, ProviderResult]  # (lead_id, provider kind, the answer it got)


def answer_source(result: ProviderResult) -> str:
    """`enrichments.answer_source` of an answer: provider | cache | stale_cache | neutral."""
    return _SOURCE_OUT[result.source]


def row_status(result: ProviderResult) -> str:
    """`enrichments.status` of an answer: ok | miss | unavailable."""
    return _STATUS_OUT[result.status]


def enrichment_rows(answers: Iterable[Answer], velocity: pd.DataFrame,
                    stored: Callable[[str, str], str]) -> list[tuple[Any, ...]]:
    """`enrichments` rows (store.enrichments.COLUMNS): one per answer, plus one velocity row per lead.

    Args:
        answers: (lead_id, provider kind, answer).
        velocity: `store.velocity.velocity_counts` of the leads.
        stored: (kind, key) -> the form the key is kept in (`store.enrichment_cache.stored_key`: an IP
            address as its keyed HMAC), the same form the cache and `enrichment_retries` use.

    Each distinct answer's JSON is serialized once (the COPY hands the text to jsonb's input function).
    """
    dumped: dict[int, tuple[str, str]] = {}
    rows: list[tuple[Any, ...]] = []
    for lead_id, kind, r in answers:
        done = dumped.get(id(r))
        if done is None:
            done = dumped[id(r)] = (json.dumps(r.data, default=str), stored(kind, r.key))
        rows.append((lead_id, kind, row_status(r), done[0], r.fetched_at, done[1], answer_source(r)))
    now = datetime.now(UTC)
    for lead_id, counts in zip(velocity.index, velocity.to_dict("records"), strict=True):
        rows.append((lead_id, VELOCITY, "ok", json.dumps({k: int(v) for k, v in counts.items()}), now, None,
                     "provider"))
    return rows


def check_rows(answers: Iterable[Answer], countries: Mapping[str, str | None], velocity: pd.DataFrame,
               rules: Ruleset, *, ip_country_check: bool, velocity_limits: Mapping[str, int],
               given_up: Collection[tuple[str, str]] = frozenset()) -> list[tuple[Any, ...]]:
    """`lead_checks` rows (store.leads.CHECK_COLUMNS) of stage "enrichment".

    Args:
        answers: (lead_id, provider kind, answer) for every lead and provider with a lookup key.
        countries: lead_id -> the lead's ISO country (for IP_COUNTRY_MISMATCH).
        velocity: `store.velocity.velocity_counts` of the leads (index lead_id).
        rules: the active ruleset (severities, version).
        ip_country_check: whether an IP located outside the lead's country is a finding.
        velocity_limits: sightings allowed per key kind (email, phone, ip, device) within the window.
        given_up: (provider, key) pairs the recheck job gave up on: their fallbacks add GIVEN_UP.

    Returns:
        One row per (lead, code), details of the same code joined.
    """
    memo: dict[tuple[str, int, str | None], list[tuple[str, str]]] = {}
    found: dict[str, dict[str, list[str]]] = {}
    for lead_id, kind, r in answers:
        country = countries.get(lead_id) if kind == "ip_risk" else None
        key = (kind, id(r), country)
        hits = memo.get(key)
        if hits is None:
            hits = memo[key] = result_findings(kind, r, lead_country=country,
                                               ip_country_check=ip_country_check)
            if r.reason in (STALE, UNAVAILABLE) and (kind, r.key) in given_up:
                hits = memo[key] = [*hits, (GIVEN_UP, kind)]
        for code, detail in hits:
            found.setdefault(lead_id, {}).setdefault(code, []).append(detail)
    for lead_id, counts in zip(velocity.index, velocity.to_dict("records"), strict=True):
        for code, detail in velocity_findings(counts, velocity_limits):
            found.setdefault(lead_id, {}).setdefault(code, []).append(detail)
    return [(lead_id, "enrichment", code, rules.severity(code).value,
             ", ".join(dict.fromkeys(details))[:_DETAIL_MAX], rules.version)
            for lead_id, codes in found.items() for code, details in codes.items()]


def answers_from_rows(rows: pd.DataFrame, offline_kinds: Iterable[str]) -> tuple[list[Answer], pd.DataFrame]:
    """Stored `enrichments` rows back as answers, and their velocity rows as counts (index lead_id).

    Args:
        rows: `store.enrichments.rows_of` output.
        offline_kinds: provider kinds whose "provider" answers came from shipped data (for the geocoding
            miss rule, which trusts an offline miss only where the shipped data is complete).
    """
    offline = set(offline_kinds)
    answers: list[Answer] = []
    counts: dict[str, dict[str, int]] = {}
    back = {"provider": "live", "cache": "cache", "stale_cache": "stale_cache", "neutral": "neutral"}
    for r in rows.itertuples(index=False):
        data = r.result if isinstance(r.result, dict) else {}
        if r.provider == VELOCITY:
            counts[r.lead_id] = {k: int(v) for k, v in data.items()}
            continue
        source = back.get(r.answer_source or "provider", "live")
        if source == "live" and r.provider in offline:
            source = "offline"
        status = "error" if r.status == "unavailable" else r.status
        reason = STALE if source == "stale_cache" else UNAVAILABLE if source == "neutral" else None
        answers.append((r.lead_id, r.provider,
                        ProviderResult(r.lookup_key or "", status, data, source, reason, r.fetched_at)))
    velocity = pd.DataFrame.from_dict(counts, orient="index") if counts else pd.DataFrame()
    return answers, velocity
