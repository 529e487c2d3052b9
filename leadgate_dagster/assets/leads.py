"""The lead pipeline, one partition per intake micro-batch. Every asset is a Postgres table (no IO manager):
it reads its inputs by batch id, calls the gate stage and writes idempotently."""


import dagster as dg

from leadgate_dagster.assets.metadata import masked_preview, to_metadata
from leadgate_dagster.assets.partitions import IO_RETRY, intake_batches
from leadgate_dagster.checks.identity import IDENTITY_CHECK_SPECS, identity_check_results
from leadgate_dagster.gate import stages
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.mx import MxResource
from leadgate_dagster.resources.rules import RulesResource
from leadgate_dagster.store import dispositions, exports

KINDS = {"python", "postgres"}


@dg.asset(partitions_def=intake_batches, group_name="leads", kinds=KINDS, retry_policy=IO_RETRY)
def raw_leads(context: dg.AssetExecutionContext, db: PostgresResource, rules: RulesResource) -> dg.MaterializeResult:
    """One row per intake event of the batch in `leadgate.leads`: values as given, mapped to the canonical
    schema, unknown columns in `extra`; intake findings (parse errors, ragged rows, replays) in `lead_checks`."""
    report = stages.raw_stage(db.engine(), context.partition_key, rules.active())
    return dg.MaterializeResult(metadata=to_metadata(report, row_count_key="leads"))


@dg.asset(partitions_def=intake_batches, group_name="leads", kinds=KINDS, deps=[raw_leads], retry_policy=IO_RETRY)
def validated_leads(context: dg.AssetExecutionContext, db: PostgresResource, rules: RulesResource,
                    mx: MxResource) -> dg.MaterializeResult:
    """Normalized email/phone/name/address/company beside the values as given, statuses and the reason codes
    that fired (stage `validation`), judged by the active ruleset, whose version each row records."""
    ruleset = rules.active()
    report = stages.validate_stage(db.engine(), context.partition_key, ruleset, mx.lookup_for(ruleset))
    return dg.MaterializeResult(metadata=to_metadata(report, row_count_key="validated"))


@dg.asset(partitions_def=intake_batches, group_name="leads", kinds=KINDS, deps=[validated_leads],
          retry_policy=IO_RETRY)
def enriched_leads(context: dg.AssetExecutionContext, db: PostgresResource, rules: RulesResource) -> dg.MaterializeResult:
    """One `enrichments` row per lead and provider (offline phone intelligence and company data)."""
    report = stages.enrich_stage(db.engine(), context.partition_key, rules.active())
    return dg.MaterializeResult(metadata=to_metadata(report, row_count_key="enriched"))


@dg.asset(partitions_def=intake_batches, group_name="leads", kinds=KINDS, deps=[enriched_leads],
          retry_policy=IO_RETRY, check_specs=IDENTITY_CHECK_SPECS)
def identity_graph(context: dg.AssetExecutionContext, db: PostgresResource, rules: RulesResource) -> dg.MaterializeResult:
    """Each lead of the batch linked to a stable person (`persons`, `lead_person`), matched incrementally
    against the graph: tier A/B auto-merges (logged in `merge_log`, reversible), ambiguous pairs to
    `review_items`, golden records of the touched persons. Serialised by an advisory lock; idempotent."""
    ruleset = rules.active()
    report = stages.identity_stage(db.engine(), context.partition_key, ruleset)
    checks = identity_check_results(db.engine(), context.partition_key, ruleset)
    return dg.MaterializeResult(metadata=to_metadata(report, row_count_key="linked"), check_results=checks)


@dg.asset(
    partitions_def=intake_batches, group_name="leads", kinds=KINDS, deps=[identity_graph], retry_policy=IO_RETRY,
    check_specs=[dg.AssetCheckSpec("one_disposition_per_lead", asset="qualified_leads", blocking=True,
                                   description="Every lead of the batch has exactly one current disposition.")],
)
def qualified_leads(context: dg.AssetExecutionContext, db: PostgresResource, rules: RulesResource) -> dg.MaterializeResult:
    """Exactly one current disposition per lead (ROUTE_SDR, ROUTE_AE, NURTURE_EMAIL_ONLY, QUARANTINE_REVIEW,
    REJECT) with reason codes, score parts, allowed channels and ruleset version; RevOps reads the
    `leadgate.qualified_leads` view. Marks the batch's intake events processed."""
    engine = db.engine()
    report = stages.qualify_stage(engine, context.partition_key, rules.active())
    with engine.connect() as conn:
        bad = dispositions.without_exactly_one(conn, context.partition_key)
        preview = exports.batch_preview(conn, context.partition_key)
    check = dg.AssetCheckResult(
        check_name="one_disposition_per_lead", passed=not bad, severity=dg.AssetCheckSeverity.ERROR,
        description=f"{len(bad)} leads without exactly one current disposition",
        metadata={"failing_leads": len(bad), "sample_lead_ids": dg.MetadataValue.json(bad[:10])})
    metadata = to_metadata(report, row_count_key="leads")
    metadata["preview"] = dg.MetadataValue.md(masked_preview(preview))
    return dg.MaterializeResult(metadata=metadata, check_results=[check])


LEAD_ASSETS = [raw_leads, validated_leads, enriched_leads, identity_graph, qualified_leads]
