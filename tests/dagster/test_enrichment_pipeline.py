"""The enriched_leads asset in the pipeline, materialized in-process against Postgres and scripted provider
servers on 127.0.0.1: a failing provider never stops a batch, a stale cache answer stands in, and what the
offline providers find reaches the scores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.definitions import build_resources
from leadgate_dagster.gate.lead_inputs import lead_inputs
from leadgate_dagster.providers.enrichment.base import ProviderResult
from leadgate_dagster.resources.enrichment import EnrichmentResource
from leadgate_dagster.store import enrichment_cache
from tests.dagster.enrichment_setup import FAILURES, claim, fail, rows, rules_file
from tests.dagster.helpers import current_dispositions, materialize_batch
from tests.providers.enrichment.local_server import Script, serve

DEADLINE_S = 1.5
# the runner's grace past a deadline, plus room for a busy machine
SLACK_MS = 250 + 600
EXPECTED_ERRORS = {"http_500": {"http_5xx"}, "rate_limited_429": {"rate_limited"}, "slow": {"deadline", "timeout"},
                   "malformed_json": {"malformed"}}
ACME = {"name": "Acme Corp", "industry": "Software", "employees": 120, "revenue_usd": 2.5e7, "country": "US"}


@pytest.fixture
def firmographics() -> Iterator[tuple[Script, str]]:
    script = Script()
    script.known["acme-corp.com"] = ACME
    with serve(script) as url:
        yield script, url


def _resources(pg_url: str, tmp_path: Path, **enrichment: str) -> tuple[dict[str, object], Path]:
    path = rules_file(tmp_path)
    resources = build_resources(database_url=pg_url, inbox_path=str(tmp_path / "inbox"), rules_path=str(path))
    resources["enrichment"] = EnrichmentResource(**enrichment)
    return resources, path


def _enriched_metadata(result) -> dict[str, object]:
    [mat] = [m for m in result.asset_materializations_for_node("lead_pipeline")
             if m.asset_key.to_user_string() == "enriched_leads"]
    return {k: v.value for k, v in mat.metadata.items()}


@pytest.mark.parametrize("mode", list(FAILURES))
def test_a_failing_provider_still_disposes_every_lead_within_its_deadline(
        engine: sa.Engine, dagster_instance, pg_url: str, tmp_path: Path,
        firmographics: tuple[Script, str], mode: str) -> None:
    script, url = firmographics
    fail(script, mode)
    resources, path = _resources(pg_url, tmp_path, firmographics_url=url, deadline_s=str(DEADLINE_S))
    batch_id, ids = claim(engine, load_ruleset(path))

    result = materialize_batch(batch_id, dagster_instance, resources)

    assert result.success
    assert set(current_dispositions(engine)) == set(ids.values())  # every lead disposed
    meta = _enriched_metadata(result)
    assert meta["providers_ms"] < DEADLINE_S * 1000 + SLACK_MS
    assert meta["firmographics/success_rate"] == 0.0 and meta["neutral_used"] == 3 and meta["retries_queued"] == 3
    got = rows(engine, "SELECT lead_id, status, answer_source, lookup_key FROM leadgate.enrichments "
                       "WHERE provider = 'firmographics' ORDER BY lookup_key")
    assert [(r.status, r.answer_source, r.lookup_key) for r in got] == [
        ("unavailable", "neutral", "acme-corp.com"), ("unavailable", "neutral", "globex.com"),
        ("unavailable", "neutral", "northwind.com")]
    checks = rows(engine, "SELECT lead_id, detail FROM leadgate.lead_checks WHERE stage = 'enrichment' "
                          "AND code = 'ENRICHMENT_UNAVAILABLE'")
    assert {c.lead_id for c in checks} == set(ids.values()) and {c.detail for c in checks} == {"firmographics"}
    reasons = rows(engine, "SELECT qa_reason FROM leadgate.qualified_leads")
    assert all("ENRICHMENT_UNAVAILABLE" in r.qa_reason for r in reasons)
    retries = rows(engine, "SELECT provider, key, error, attempts, resolved_at, next_attempt_at > now() AS later "
                           "FROM leadgate.enrichment_retries ORDER BY key")
    assert [(r.provider, r.key, r.attempts, r.resolved_at) for r in retries] == [
        ("firmographics", k, 0, None) for k in ("acme-corp.com", "globex.com", "northwind.com")]
    assert {r.error for r in retries} <= EXPECTED_ERRORS[mode]
    if mode == "rate_limited_429":  # Retry-After: 1 honoured: one retry fits in the 1.5 s, not two
        assert len(script.requests("POST")) == 2


def test_a_stale_cache_answer_stands_in_and_reaches_the_score(
        engine: sa.Engine, dagster_instance, pg_url: str, tmp_path: Path,
        firmographics: tuple[Script, str]) -> None:
    script, url = firmographics
    fail(script, "http_500")
    with engine.begin() as conn:  # fetched 30 days ago, fresh for a day: expired, so only a fallback
        enrichment_cache.put(conn, "firmographics", [ProviderResult("acme-corp.com", "ok", {
            "company": "Acme Corp", "industry": "Software", "size_band": "51-200", "revenue_band": "10M-50M",
            "country": "US"})], ttl=timedelta(days=1), miss_ttl=timedelta(days=1),
            now=datetime.now(UTC) - timedelta(days=30))
    resources, path = _resources(pg_url, tmp_path, firmographics_url=url, deadline_s=str(DEADLINE_S))
    batch_id, ids = claim(engine, load_ruleset(path))

    assert materialize_batch(batch_id, dagster_instance, resources).success

    [acme] = rows(engine, "SELECT status, answer_source, result->>'industry' AS industry FROM leadgate.enrichments "
                          "WHERE lead_id = :l AND provider = 'firmographics'", l=ids[2])
    assert (acme.status, acme.answer_source, acme.industry) == ("ok", "stale_cache", "Software")
    codes = {r.code for r in rows(engine, "SELECT code FROM leadgate.lead_checks WHERE lead_id = :l "
                                          "AND stage = 'enrichment'", l=ids[2])}
    assert "ENRICHMENT_STALE" in codes and "ENRICHMENT_UNAVAILABLE" not in codes
    [retry] = rows(engine, "SELECT error FROM leadgate.enrichment_retries WHERE key = 'acme-corp.com'")
    assert retry.error == "http_5xx"  # a stale answer is still retried
    [doc] = rows(engine, "SELECT score_inputs FROM leadgate.dispositions WHERE lead_id = :l AND is_current", l=ids[2])
    fit = doc.score_inputs["fit"]
    assert (fit["industry"], fit["company_size"]) == ("software", "51-200")  # the lead named neither


def test_offline_default_enriches_and_the_values_reach_the_score_inputs(
        engine: sa.Engine, dagster_instance, pg_url: str, tmp_path: Path) -> None:
    resources, path = _resources(pg_url, tmp_path)  # no URL, no mode: the ruleset's offline providers
    batch_id, ids = claim(engine, load_ruleset(path))

    result = materialize_batch(batch_id, dagster_instance, resources)

    assert result.success
    meta = _enriched_metadata(result)
    assert meta["retries_queued"] == 0 and meta["neutral_used"] == 0
    assert meta["geocoding/success_rate"] == 1.0 and "firmographics/keys" in meta
    found = {(r.lead_id, r.provider): r for r in rows(
        engine, "SELECT lead_id, provider, status, answer_source, lookup_key, result FROM leadgate.enrichments")}
    ann = found[(ids[1], "firmographics")]
    assert (ann.status, ann.answer_source, ann.lookup_key) == ("ok", "provider", "northwind.com")
    assert found[(ids[1], "geocoding")].result["region"] == "CA"  # 94105: San Francisco
    assert found[(ids[2], "geocoding")].result["locality"] == "New York"
    assert found[(ids[2], "firmographics")].status == "miss"  # not in the shipped sample
    assert found[(ids[2], "ip_risk")].result["public"] is False  # 10.1.2.3: a private address
    assert found[(ids[1], "velocity")].result == {"email_seen": 1, "phone_seen": 1, "ip_seen": 0, "device_seen": 0}
    assert rows(engine, "SELECT code FROM leadgate.lead_checks WHERE lead_id = :l AND stage = 'enrichment'",
                l=ids[2])[0].code == "IP_NOT_PUBLIC"

    with engine.connect() as conn:  # what qualification reads: the lead gave no industry, size or region
        inputs = lead_inputs(conn, [ids[1], ids[3]])
    assert inputs.loc[ids[1], ["industry", "employee_count", "region", "geo_locality"]].tolist() == [
        "Wholesale", "51-200", "CA", "San Francisco"]
    assert inputs.loc[ids[3], ["industry", "country_iso2"]].tolist() == ["Industrial Manufacturing", "US"]
    docs = {r.lead_id: r.score_inputs for r in rows(
        engine, "SELECT lead_id, score_inputs FROM leadgate.dispositions WHERE is_current")}
    assert docs[ids[1]]["fit"]["industry"] == "wholesale"
    assert docs[ids[1]]["fit"]["company_size"] == "51-200"
    assert docs[ids[3]]["fit"]["company_size"] == "201-1000"  # Globex: the provider's 501-1000 in the ruleset's bands
