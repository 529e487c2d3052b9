"""The recheck: ask the providers again for the keys that got a fallback, and re-decide the leads it changes.

Due keys are claimed with a lease (two runs never ask for the same key), asked through `enrich_batch` (the
cache first: another batch may have fetched the key since), and the answers refresh the cache and every
lead still on a fallback for that key (`enrichments` joined on provider + lookup_key). A key still failing
waits longer (the ruleset's backoff) and is given up after `enrichment.recheck.max_attempts`, with
ENRICHMENT_RETRIES_EXHAUSTED on its leads. The touched leads get their enrichment checks rebuilt and are
decided again (`decided_by="recheck"`): a changed decision becomes current, the old one stays as history.
All of that commits in one transaction, so a resolved retry never outlives the re-decision it caused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.enrichment_findings import answer_source, answers_from_rows, check_rows, row_status
from leadgate_dagster.core.provider_results import KEYED_PROVIDERS
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.enrich import Enricher, enricher_for, key_storage
from leadgate_dagster.gate.qualify import qualify_leads, summary
from leadgate_dagster.providers.enrichment import ProviderResult, enrich_batch
from leadgate_dagster.providers.enrichment.ip_risk import ip_key
from leadgate_dagster.store import dispositions, enrichment_retries, enrichments, leads
from leadgate_dagster.store.enrichment_cache import EnrichmentCache
from leadgate_dagster.store.enrichment_retries import DueKey


def rebuild_checks(conn: sa.Connection, lead_ids: Sequence[str], rules: Ruleset, enricher: Enricher) -> int:
    """Recompute the enrichment checks of these leads from their stored `enrichments` rows."""
    if not lead_ids:
        return 0
    answers, velocity = answers_from_rows(enrichments.rows_of(conn, lead_ids), enricher.offline_kinds)
    details = leads.load_leads(conn, lead_ids, columns=["validation"])["validation"]
    countries = {lid: (d or {}).get("country_iso2") for lid, d in details.items()}
    given_up = enrichment_retries.given_up(conn, {(kind, r.key) for _, kind, r in answers if r.reason})
    rows = check_rows(answers, countries, velocity, rules, ip_country_check=enricher.settings.ip_country_mismatch,
                      velocity_limits=enricher.settings.velocity.max_seen, given_up=given_up)
    return leads.replace_checks(conn, "enrichment", lead_ids, rows)


def _lease(enricher: Enricher) -> timedelta:
    # long enough for the providers' deadlines and the writes; a run that dies frees its keys after it
    return timedelta(seconds=2 * max(enricher.deadlines.values(), default=30.0) + 60)


def recheck(engine: sa.Engine, rules: Ruleset, enricher: Enricher | None = None, *,
            as_of: datetime | None = None) -> dict[str, Any]:
    """One recheck run over the keys due by `as_of` (None: now).

    Args:
        engine: leadgate's database.
        rules: the active ruleset (recheck schedule, severities, the disposition engine).
        enricher: the providers; None builds the ruleset's.
        as_of: judge "due" at this time (tests, catch-up); None means now.

    Returns:
        keys_retried, resolved, still_failing, given_up, leads_refreshed, leads_redecided,
        dispositions_changed (current disposition differs), decisions_rewritten, and the new mix.
    """
    enricher = enricher or enricher_for(rules)
    with engine.begin() as conn:
        due = enrichment_retries.claim_due(conn, limit=enricher.settings.recheck.keys_per_run,
                                           lease=_lease(enricher), as_of=as_of)
    report: dict[str, Any] = {"keys_retried": len(due), "resolved": 0, "still_failing": 0, "given_up": 0,
                              "leads_refreshed": 0, "leads_redecided": 0, "dispositions_changed": 0,
                              "decisions_rewritten": 0}
    if not due:
        return report
    stored = key_storage()
    answered, schedule = _ask(engine, due, enricher, stored)
    gave_up = [(p, k) for p, k, _, _, wait in schedule if wait is None]
    with engine.begin() as conn:
        refreshed = enrichments.refresh_fallbacks(conn, [
            (kind, key, row_status(r), json.dumps(r.data, default=str), r.fetched_at, answer_source(r))
            for kind, key, r in answered])
        enrichment_retries.resolve(conn, [(kind, key) for kind, key, _ in answered])
        enrichment_retries.schedule_next(conn, schedule)
        touched = sorted(set(refreshed) | set(enrichments.leads_on_fallback(conn, gave_up)))
        rebuild_checks(conn, touched, rules, enricher)
        redecide = enrichments.decided_with_replays(conn, touched)
        if redecide:
            before = dispositions.current(conn, redecide)["disposition"]
            decided, written = qualify_leads(conn, redecide, rules, decided_by="recheck")
            changed = int((decided["disposition"] != before.reindex(decided.index)).sum())
            report.update({"decisions_rewritten": written, "dispositions_changed": changed,
                           **summary(decided, rules)})
    report.update({"resolved": len(answered), "still_failing": len(schedule) - len(gave_up),
                   "given_up": len(gave_up), "leads_refreshed": len(touched),
                   "leads_redecided": len(redecide)})
    return report


Answered = list[tuple[str, str, ProviderResult]]
Schedule = list[tuple[str, str, str, int, timedelta | None]]


def _ask(engine: sa.Engine, due: list[DueKey], enricher: Enricher, stored: Callable[[str, str], str]
         ) -> tuple[Answered, Schedule]:
    """Ask the providers for the due keys: (provider, kept key, answer) of those answered, and the next
    attempt of the others (None: give up)."""
    cfg = enricher.settings.recheck
    with engine.connect() as conn:
        plain = _plain_keys(conn, due, stored)
    by_kind: dict[str, list[str]] = {}
    for d in due:
        if d.provider in enricher.providers and (d.provider, d.key) in plain:
            by_kind.setdefault(d.provider, []).append(plain[(d.provider, d.key)])
    outcome = enrich_batch(by_kind, enricher.providers, EnrichmentCache(engine), enricher.deadlines)
    pending = set(outcome.pending_retry)
    answered = [(kind, stored(kind, key), r) for kind, results in outcome.results.items()
                for key, r in results.items() if (kind, key) not in pending]
    done = {(kind, key) for kind, key, _ in answered}
    errors = {(kind, stored(kind, key)): e for (kind, key), e in outcome.errors.items()}
    schedule = [_next(d, errors.get((d.provider, d.key), "key_unavailable"), cfg.max_attempts, cfg.delay,
                      give_up=(d.provider, d.key) not in plain or d.provider not in enricher.providers)
                for d in due if (d.provider, d.key) not in done]
    return answered, schedule


def _plain_keys(conn: sa.Connection, due: list[DueKey], stored: Callable[[str, str], str]
                ) -> dict[tuple[str, str], str]:
    """(provider, kept key) -> the key to ask the provider. IP addresses are kept as keyed HMACs: the address
    comes back from a lead that gave it (checked against the HMAC); one no lead holds any more is absent."""
    out = {(d.provider, d.key): d.key for d in due if d.provider not in KEYED_PROVIDERS}
    for kind in KEYED_PROVIDERS & {d.provider for d in due}:
        kept = [d.key for d in due if d.provider == kind]
        for lookup_key, ip in enrichments.ips_for_keys(conn, kept):
            key = ip_key(ip)
            if key is not None and stored(kind, key) == lookup_key:
                out[(kind, lookup_key)] = key
    return out


def _next(d: DueKey, error: str, max_attempts: int, delay: Callable[[int], timedelta], *,
          give_up: bool = False) -> tuple[str, str, str, int, timedelta | None]:
    attempts = d.attempts + 1
    last = give_up or attempts >= max_attempts
    return d.provider, d.key, error, attempts, None if last else delay(attempts)
