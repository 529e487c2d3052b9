"""The lead pipeline, one partition per intake micro-batch: five assets, each a Postgres table (no IO manager),
computed by one subsettable multi-asset. Each stage reads its inputs by batch id, calls the gate and writes
idempotently.

Why one op: a Dagster step costs ≈ 0.15–0.25 s of event-log writes whatever it does, and a batch of 50
leads takes about that per stage. Five steps would add ≈ 1 s to every file's latency; one step with
`can_subset=True` keeps each asset materializable on its own (select it in the UI or in `materialize`).
"""

from collections.abc import Iterator

import dagster as dg
import sqlalchemy as sa

from leadgate_dagster.assets.metadata import masked_preview, to_metadata
from leadgate_dagster.assets.partitions import IO_RETRY, intake_batches
from leadgate_dagster.checks.identity import IDENTITY_CHECK_SPECS, identity_check_results
from leadgate_dagster.checks.scoring import SCORING_CHECK_SPECS, scoring_check_results
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate import stages
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.enrichment import EnrichmentResource
from leadgate_dagster.resources.mx import MxResource
from leadgate_dagster.resources.rules import RulesResource
from leadgate_dagster.store import dispositions, exports

KINDS = {"python", "postgres"}
ONE_DISPOSITION = dg.AssetCheckSpec(
    "one_disposition_per_lead", asset="qualified_leads", blocking=True,
    description="Every lead of the batch has exactly one current disposition.")


def _spec(key: str, description: str, deps: list[str]) -> dg.AssetSpec:
    return dg.AssetSpec(key, description=description, deps=deps, group_name="leads", kinds=KINDS)


LEAD_SPECS = [
    _spec("raw_leads", "One row per intake event of the batch in `leadgate.leads`: values as given, mapped to "
          "the canonical schema, unknown columns in `extra`; intake findings (parse errors, ragged rows, "
          "replays) in `lead_checks`.", []),
    _spec("validated_leads", "Normalized email/phone/name/address/company beside the values as given, statuses "
          "and the reason codes that fired (stage `validation`), judged by the active ruleset, whose version "
          "each row records.", ["raw_leads"]),
    _spec("enriched_leads", "One `enrichments` row per lead and provider (email verification, phone "
          "intelligence, geocoding, firmographics, IP risk, velocity) with its lookup key and answer source "
          "(provider, cache, stale_cache, neutral), behind the Postgres cache and a deadline per provider; "
          "findings in `lead_checks`, fallbacks queued in `enrichment_retries` for the recheck job.",
          ["validated_leads"]),
    _spec("identity_graph", "Each lead of the batch linked to a stable person (`persons`, `lead_person`), "
          "matched incrementally against the graph: tier A/B auto-merges (logged in `merge_log`, reversible), "
          "ambiguous pairs to `review_items`, golden records of the touched persons. Serialised by an "
          "advisory lock; idempotent.", ["enriched_leads"]),
    _spec("qualified_leads", "Exactly one current disposition per lead (ROUTE_SDR, ROUTE_AE, NURTURE_EMAIL_ONLY, "
          "QUARANTINE_REVIEW, REJECT) with reason codes, score parts, allowed channels and ruleset version; "
          "RevOps reads the `leadgate.qualified_leads` view. Marks the batch's intake events processed.",
          ["identity_graph"]),
]


@dg.multi_asset(specs=LEAD_SPECS, check_specs=[*IDENTITY_CHECK_SPECS, ONE_DISPOSITION, *SCORING_CHECK_SPECS],
                partitions_def=intake_batches, can_subset=True, retry_policy=IO_RETRY)
def lead_pipeline(context: dg.AssetExecutionContext, db: PostgresResource, rules: RulesResource,
                  mx: MxResource, enrichment: EnrichmentResource) -> Iterator[dg.MaterializeResult]:
    """raw -> validated -> enriched -> identity -> qualified for one intake batch (the selected ones)."""
    engine, ruleset, batch_id = db.engine(), rules.active(), context.partition_key
    selected = {key.to_user_string() for key in context.selected_asset_keys}
    if "raw_leads" in selected:
        yield _result("raw_leads", stages.raw_stage(engine, batch_id, ruleset), "leads")
    if "validated_leads" in selected:
        report = stages.validate_stage(engine, batch_id, ruleset, mx.lookup_for(ruleset))
        yield _result("validated_leads", report, "validated")
    if "enriched_leads" in selected:
        report = stages.enrich_stage(engine, batch_id, ruleset, enrichment.enricher_for(ruleset))
        yield _result("enriched_leads", report, "enriched")
    if "identity_graph" in selected:
        report = stages.identity_stage(engine, batch_id, ruleset)
        checks = identity_check_results(engine, batch_id, ruleset)
        yield _result("identity_graph", report, "linked", checks)
        broken = [c.check_name for c in checks if not c.passed and c.severity == dg.AssetCheckSeverity.ERROR]
        if broken and "qualified_leads" in selected:  # a blocking check stops what depends on the graph
            raise dg.Failure(f"identity graph check(s) {', '.join(broken)} failed; batch {batch_id} not qualified")
    if "qualified_leads" in selected:
        yield _qualified(engine, batch_id, ruleset)


def _result(key: str, report: dict[str, object], row_count_key: str,
            checks: list[dg.AssetCheckResult] | None = None) -> dg.MaterializeResult:
    return dg.MaterializeResult(asset_key=key, metadata=to_metadata(report, row_count_key=row_count_key),
                                check_results=checks or [])


def _qualified(engine: sa.Engine, batch_id: str, ruleset: Ruleset) -> dg.MaterializeResult:
    report = stages.qualify_stage(engine, batch_id, ruleset)
    with engine.connect() as conn:
        bad = dispositions.without_exactly_one(conn, batch_id)
        preview = exports.batch_preview(conn, batch_id)
    check = dg.AssetCheckResult(
        asset_key="qualified_leads", check_name="one_disposition_per_lead", passed=not bad,
        severity=dg.AssetCheckSeverity.ERROR, description=f"{len(bad)} leads without exactly one current disposition",
        metadata={"failing_leads": len(bad), "sample_lead_ids": dg.MetadataValue.json(bad[:10])})
    result = _result("qualified_leads", report, "leads", [check])
    scoring_meta, scoring_checks = scoring_check_results(engine, batch_id, ruleset)  # latency, coverage, drift
    return dg.MaterializeResult(asset_key="qualified_leads", check_results=[check, *scoring_checks], metadata={
        **(result.metadata or {}), **scoring_meta, "preview": dg.MetadataValue.md(masked_preview(preview))})


LEAD_ASSETS = [lead_pipeline]
