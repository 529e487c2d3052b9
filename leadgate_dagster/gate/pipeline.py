"""A batch's pipeline, defined once: its stages in order, what each writes, and the checks judged after it.

The Dagster assets (`assets/leads.py`) materialize exactly this list, one asset per stage, and `leadgate qa`
runs it without Dagster, checks included, so the dry run and the pipeline cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import sqlalchemy as sa

from leadgate_dagster.core.check_outcome import CheckDeclaration, CheckOutcome
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate import batch_checks, stages
from leadgate_dagster.gate.batch_checks import Judgement
from leadgate_dagster.gate.enrich import Enricher
from leadgate_dagster.gate.mx import MxLookup, mx_lookup_for


@dataclass(frozen=True, slots=True)
class BatchContext:
    """What every stage of one batch runs with."""

    engine: sa.Engine
    batch_id: str
    rules: Ruleset
    mx: MxLookup
    # None: the ruleset's providers (offline unless it says otherwise); the Dagster resource passes its own
    enricher: Enricher | None = None


@dataclass(frozen=True, slots=True)
class Stage:
    name: str  # also its asset key
    description: str
    row_count_key: str  # the report figure that counts the stage's rows
    run: Callable[[BatchContext], dict[str, Any]]
    checks: tuple[CheckDeclaration, ...] = ()
    judge: Callable[[BatchContext], Judgement] | None = None


class StageResult(NamedTuple):
    stage: Stage
    report: dict[str, Any]
    judgement: Judgement


class BlockingCheckFailed(RuntimeError):
    """A blocking check failed: the stages after it must not run on that batch."""


STAGES: tuple[Stage, ...] = (
    Stage("raw_leads",
          "One row per intake event of the batch in `leadgate.leads`: values as given, mapped to the canonical "
          "schema, unknown columns in `extra`; intake findings (parse errors, ragged rows, replays) in "
          "`lead_checks`.",
          "leads", lambda c: stages.raw_stage(c.engine, c.batch_id, c.rules)),
    Stage("validated_leads",
          "Normalized email/phone/name/address/company beside the values as given, statuses and the reason codes "
          "that fired (stage `validation`), judged by the active ruleset, whose version each row records.",
          "validated", lambda c: stages.validate_stage(c.engine, c.batch_id, c.rules, c.mx)),
    Stage("enriched_leads",
          "One `enrichments` row per lead and provider (email verification, phone intelligence, geocoding, "
          "firmographics, IP risk, velocity) with its lookup key and answer source (provider, cache, stale_cache, "
          "neutral), behind the Postgres cache and a deadline per provider; findings in `lead_checks`, fallbacks "
          "queued in `enrichment_retries` for the recheck job.",
          "enriched", lambda c: stages.enrich_stage(c.engine, c.batch_id, c.rules, c.enricher)),
    Stage("identity_graph",
          "Each lead of the batch linked to a stable person (`persons`, `lead_person`), matched incrementally "
          "against the graph: tier A/B auto-merges (logged in `merge_log`, reversible), ambiguous pairs to "
          "`review_items`, golden records of the touched persons. Serialised by an advisory lock; idempotent.",
          "linked", lambda c: stages.identity_stage(c.engine, c.batch_id, c.rules),
          (batch_checks.IDENTITY_INTEGRITY, batch_checks.AUTO_MERGE_SPIKE),
          lambda c: batch_checks.judge_identity(c.engine, c.batch_id, c.rules)),
    Stage("qualified_leads",
          "Exactly one current disposition per lead (ROUTE_SDR, ROUTE_AE, NURTURE_EMAIL_ONLY, QUARANTINE_REVIEW, "
          "REJECT) with reason codes, score parts, allowed channels and ruleset version; RevOps reads the "
          "`leadgate.qualified_leads` view. Marks the batch's intake events processed.",
          "leads", lambda c: stages.qualify_stage(c.engine, c.batch_id, c.rules),
          (batch_checks.ONE_DISPOSITION, batch_checks.SCORE_COVERAGE, batch_checks.MIX_DRIFT),
          lambda c: batch_checks.judge_qualified(c.engine, c.batch_id, c.rules)),
)


def run_batch(ctx: BatchContext, selected: Collection[str] | None = None,
              pipeline: Sequence[Stage] = STAGES) -> Iterator[StageResult]:
    """Run the selected stages (default all) in order, each judged after it commits. A failed blocking check
    raises `BlockingCheckFailed` after its stage's result is yielded, when a selected stage follows."""
    chosen = [s for s in pipeline if selected is None or s.name in selected]
    for i, stage in enumerate(chosen):
        report = stage.run(ctx)
        judgement = stage.judge(ctx) if stage.judge else Judgement([], {})
        yield StageResult(stage, report, judgement)
        broken = [o.name for o in judgement.outcomes if o.blocking and not o.passed]
        if broken and i + 1 < len(chosen):
            raise BlockingCheckFailed(f"{stage.name} check(s) {', '.join(broken)} failed; batch {ctx.batch_id} "
                                      f"stopped before {chosen[i + 1].name}")


def run_all_stages(engine: sa.Engine, batch_id: str, rules: Ruleset) -> list[CheckOutcome]:
    """The pipeline the Dagster assets run, stages and checks, without Dagster; the checks' outcomes."""
    batch = BatchContext(engine, batch_id, rules, mx_lookup_for(engine, rules))
    return [o for result in run_batch(batch) for o in result.judgement.outcomes]
