"""The recheck without Dagster: backoff between attempts, giving up with a final code, IP keys kept only as
keyed HMACs yet asked again by address, and the retry queue's upsert rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset, load_ruleset
from leadgate_dagster.gate import stages
from leadgate_dagster.gate.enrich import Enricher, enricher_for
from leadgate_dagster.gate.mx import mx_lookup_for
from leadgate_dagster.gate.recheck import recheck
from leadgate_dagster.providers.enrichment import EnrichmentOverrides
from leadgate_dagster.store import enrichment_retries
from tests.dagster.enrichment_setup import claim, fail, recover, rows, rules_file
from tests.providers.enrichment.local_server import Script, serve

HMAC = re.compile(r"[0-9a-f]{64}")


@pytest.fixture
def api() -> Iterator[tuple[Script, str]]:
    script = Script()
    with serve(script) as url:
        yield script, url


def _run_batch(engine: sa.Engine, rules: Ruleset, enricher: Enricher, data: str | None = None) -> dict[int, str]:
    batch_id, ids = claim(engine, rules) if data is None else claim(engine, rules, data)
    stages.raw_stage(engine, batch_id, rules)
    stages.validate_stage(engine, batch_id, rules, mx_lookup_for(engine, rules))
    stages.enrich_stage(engine, batch_id, rules, enricher)
    stages.identity_stage(engine, batch_id, rules)
    stages.qualify_stage(engine, batch_id, rules)
    return ids


def _retry(engine: sa.Engine, key: str) -> sa.Row:
    [row] = rows(engine, "SELECT attempts, error, resolved_at, next_attempt_at, "
                         "next_attempt_at - now() AS wait FROM leadgate.enrichment_retries WHERE key = :k", k=key)
    return row


def test_backoff_then_give_up_with_the_final_code(engine: sa.Engine, tmp_path: Path,
                                                  api: tuple[Script, str]) -> None:
    script, url = api
    rules = load_ruleset(rules_file(tmp_path, max_attempts=2, backoff_initial_minutes=1))
    enricher = enricher_for(rules, EnrichmentOverrides(urls=(("firmographics", url),), deadline_s=1.0))
    fail(script, "http_500")
    ids = _run_batch(engine, rules, enricher)
    first = _retry(engine, "northwind.com")
    assert first.attempts == 0 and timedelta(seconds=50) < first.wait <= timedelta(minutes=1)

    assert recheck(engine, rules, enricher)["keys_retried"] == 0  # the backoff has not passed
    soon = datetime.now(UTC) + timedelta(minutes=2)
    fail(script, "http_500")
    report = recheck(engine, rules, enricher, as_of=soon)
    assert (report["keys_retried"], report["still_failing"], report["given_up"]) == (3, 3, 0)
    second = _retry(engine, "northwind.com")
    assert second.attempts == 1 and timedelta(minutes=1, seconds=50) < second.wait <= timedelta(minutes=2)

    fail(script, "http_500")
    report = recheck(engine, rules, enricher, as_of=datetime.now(UTC) + timedelta(minutes=5))
    assert (report["given_up"], report["leads_redecided"]) == (3, 3)
    last = _retry(engine, "northwind.com")
    assert last.attempts == 2 and last.next_attempt_at == enrichment_retries.GAVE_UP_AT
    [ann] = rows(engine, "SELECT reason_codes, decided_by FROM leadgate.dispositions "
                         "WHERE lead_id = :l AND is_current", l=ids[1])
    assert "ENRICHMENT_RETRIES_EXHAUSTED" in ann.reason_codes and ann.decided_by == "recheck"
    assert recheck(engine, rules, enricher, as_of=datetime.now(UTC) + timedelta(days=30))["keys_retried"] == 0

    fail(script, "http_500")  # a new lead fails on the same key: a fresh cycle
    _run_batch(engine, rules, enricher, "Email,Company Name,Lead ID\nzoe@northwind.com,Northwind,9\n")
    again = _retry(engine, "northwind.com")
    assert again.attempts == 0 and again.wait <= timedelta(minutes=1)


def test_ip_keys_are_kept_as_hmacs_and_asked_again_by_address(engine: sa.Engine, tmp_path: Path,
                                                             api: tuple[Script, str]) -> None:
    script, url = api
    rules = load_ruleset(rules_file(tmp_path, backoff_initial_minutes=0))
    enricher = enricher_for(rules, EnrichmentOverrides(urls=(("ip_risk", url),), deadline_s=1.0))
    data = "Email,Company Name,IP Address,Lead ID\nann@northwind.com,Northwind,203.0.113.9,1\n"
    fail(script, "http_500")
    ids = _run_batch(engine, rules, enricher, data)
    [retry] = rows(engine, "SELECT key FROM leadgate.enrichment_retries")
    [row] = rows(engine, "SELECT lookup_key FROM leadgate.enrichments WHERE provider = 'ip_risk'")
    assert HMAC.fullmatch(retry.key) and row.lookup_key == retry.key  # the address itself is not kept there

    recover(script)
    script.known["203.0.113.9"] = {"hosting": True, "operator": "ExampleCloud", "country": "DE"}
    report = recheck(engine, rules, enricher)
    assert (report["resolved"], report["leads_redecided"]) == (1, 1)
    assert script.requests("POST")[-1].body == {"keys": ["203.0.113.9"]}
    codes = {r.code: r.detail for r in rows(engine, "SELECT code, detail FROM leadgate.lead_checks "
                                                    "WHERE lead_id = :l AND stage = 'enrichment'", l=ids[1])}
    assert codes.get("IP_HOSTING_OR_VPN") == "hosting: ExampleCloud" and "ENRICHMENT_UNAVAILABLE" not in codes


def test_a_rerun_neither_postpones_nor_resets_a_pending_retry(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        enrichment_retries.record_failures(conn, [("geocoding", "US:10001", "timeout")], timedelta(minutes=5))
        due = enrichment_retries.claim_due(conn, limit=10, lease=timedelta(minutes=1),
                                           as_of=datetime.now(UTC) + timedelta(minutes=6))
        enrichment_retries.schedule_next(conn, [("geocoding", "US:10001", "timeout", 1, timedelta(minutes=10))])
    assert [d.key for d in due] == ["US:10001"]
    before = _retry(engine, "US:10001")
    with engine.begin() as conn:  # the batch is re-materialized while the provider is still down
        enrichment_retries.record_failures(conn, [("geocoding", "US:10001", "http_5xx")], timedelta(minutes=5))
    after = _retry(engine, "US:10001")
    assert (after.attempts, after.next_attempt_at, after.error) == (1, before.next_attempt_at, "http_5xx")
    with engine.begin() as conn:
        enrichment_retries.resolve(conn, [("geocoding", "US:10001")])
        enrichment_retries.record_failures(conn, [("geocoding", "US:10001", "timeout")], timedelta(minutes=5))
    restarted = _retry(engine, "US:10001")
    assert restarted.attempts == 0 and restarted.resolved_at is None


def test_two_runs_never_claim_the_same_key(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        enrichment_retries.record_failures(conn, [("firmographics", f"d{i}.com", "timeout") for i in range(5)],
                                           timedelta(0))
    with engine.begin() as conn:
        first = enrichment_retries.claim_due(conn, limit=3, lease=timedelta(minutes=5))
    with engine.begin() as conn:
        second = enrichment_retries.claim_due(conn, limit=10, lease=timedelta(minutes=5))
    assert len(first) == 3 and len(second) == 2
    assert not {d.key for d in first} & {d.key for d in second}


def test_a_reviewers_decision_is_left_alone_but_the_facts_are_refreshed(engine: sa.Engine, tmp_path: Path,
                                                                        api: tuple[Script, str]) -> None:
    script, url = api
    rules = load_ruleset(rules_file(tmp_path, backoff_initial_minutes=0))
    enricher = enricher_for(rules, EnrichmentOverrides(urls=(("email_verification", url),), deadline_s=1.0))
    fail(script, "http_500")
    ids = _run_batch(engine, rules, enricher)
    with engine.begin() as conn:  # a reviewer decided Ann by hand
        conn.execute(sa.text("UPDATE leadgate.dispositions SET decided_by = 'reviewer:kim' WHERE lead_id = :l"),
                     {"l": ids[1]})
    recover(script)
    script.known["ann.lee@northwind.com"] = {"verdict": "undeliverable"}
    report = recheck(engine, rules, enricher)
    assert report["resolved"] == 3 and report["leads_redecided"] == 2  # Raj and Bo, not Ann
    history = rows(engine, "SELECT decided_by FROM leadgate.dispositions WHERE lead_id = :l", l=ids[1])
    assert [h.decided_by for h in history] == ["reviewer:kim"]
    [ann] = rows(engine, "SELECT answer_source FROM leadgate.enrichments WHERE lead_id = :l "
                         "AND provider = 'email_verification'", l=ids[1])
    assert ann.answer_source == "provider"
