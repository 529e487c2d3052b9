"""The qualified_leads data contract as a Great Expectations 1.x suite, and its run over a DataFrame.

Great Expectations takes seconds to import, so it is imported inside these functions only: the contract
runs on its own schedule, never on a batch's path. Each expectation carries its contract name in
`meta["name"]`, which results, metadata and alerts use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from leadgate_dagster.core.disposition_policy import Disposition
from leadgate_dagster.core.lead_contract import CHANNEL_RULES, OWNER_RULE, score_maxima
from leadgate_dagster.core.ruleset import Ruleset

if TYPE_CHECKING:
    import great_expectations as gx

SUITE_NAME = "qualified_leads_contract"
SAMPLE = 10  # unexpected values kept per expectation (lead ids, codes, scores: never contact data)

RULE_SENTENCES = {
    "email_without_consent": "email allowed only with the email consent its policy requires",
    "sms_without_consent": "sms allowed only with explicit SMS consent (its proof complete if the policy "
                           "closes on missing proof)",
    "voice_without_consent": "voice allowed only with the voice consent its policy requires",
    "sms_without_mobile": "sms allowed only to a valid number of an SMS line type (a mobile)",
    "voice_without_phone": "voice allowed only to a valid number of an open line type",
    "channel_against_dnc": "no channel allowed against a do-not-contact entry",
}


@dataclass(frozen=True, slots=True)
class ExpectationOutcome:
    """One expectation's result: `unexpected` counts the rows that break it (None for table-level ones);
    `sample` holds some of their values and `lead_ids` the leads they belong to."""

    name: str
    description: str
    success: bool
    unexpected: int | None
    unexpected_percent: float | None
    sample: list[Any]
    lead_ids: list[str]


def build_suite(rules: Ruleset) -> gx.ExpectationSuite:
    """The contract under `rules` (score part maxima, consent policy and line types come from it)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    def named(name: str, description: str, kind: type[Any], **kwargs: Any) -> Any:
        return kind(**kwargs, meta={"name": name}, description=description)

    maxima = score_maxima(rules)
    expectations = [
        named("one_row_per_lead", "lead_id is unique: one row per lead", gxe.ExpectColumnValuesToBeUnique,
              column="lead_id"),
        named("lead_id_present", "every row has a lead_id", gxe.ExpectColumnValuesToNotBeNull,
              column="lead_id"),
        named("disposition_present", "every row has a disposition", gxe.ExpectColumnValuesToNotBeNull,
              column="disposition"),
        named("disposition_in_enum", "disposition is one of " + ", ".join(d.value for d in Disposition),
              gxe.ExpectColumnValuesToBeInSet, column="disposition",
              value_set=[d.value for d in Disposition]),
        named("qa_status_is_disposition", "qa_status equals disposition", gxe.ExpectColumnPairValuesToBeEqual,
              column_A="qa_status", column_B="disposition"),
        named("qa_score_in_range", "qa_score is 0-100", gxe.ExpectColumnValuesToBeBetween, column="qa_score",
              min_value=0, max_value=100),
        *[named(f"qa_score_{part}_in_range", f"qa_score_{part} is 0-{top}", gxe.ExpectColumnValuesToBeBetween,
                column=f"qa_score_{part}", min_value=0, max_value=top) for part, top in maxima.items()],
        *[named(f"{column}_in_range", f"{column} is 0-100 (NULL only on decisions older than migration 0008)",
                gxe.ExpectColumnValuesToBeBetween, column=column, min_value=0, max_value=100)
          for column in ("qa_engagement_score", "qa_priority_score")],
        named("qa_score_is_sum_of_parts", "qa_score equals reachability + consent + fit",
              gxe.ExpectColumnPairValuesToBeEqual, column_A="qa_score", column_B="qa_score_parts_sum"),
        named("reason_codes_in_catalogue", "every qa_reason code is in the catalogue (core/reasons.py)",
              gxe.ExpectColumnValuesToBeNull, column="unknown_reason_codes"),
        named("allowed_channels_known", "allowed_channels holds only email, sms, voice",
              gxe.ExpectColumnValuesToBeNull, column="unknown_channels"),
        *[named(f"{col}_present", f"{col} is recorded", gxe.ExpectColumnValuesToNotBeNull, column=col)
          for col in ("ruleset_version", "model_version", "qa_at", "consent_checked_at")],
        *[named(f"{col}_not_blank", f"{col} is not blank", gxe.ExpectColumnValuesToMatchRegex, column=col,
                regex=r"\S") for col in ("ruleset_version", "model_version")],
        *[named(rule, RULE_SENTENCES[rule], gxe.ExpectColumnValuesToBeInSet, column=rule, value_set=[False])
          for rule in CHANNEL_RULES],
        named(OWNER_RULE, "an owner only on a ROUTE_SDR or ROUTE_AE decision", gxe.ExpectColumnValuesToBeInSet,
              column=OWNER_RULE, value_set=[False]),
        named("account_match_confidence_in_range", "account_match_confidence is 0-100 (NULL: no account matched)",
              gxe.ExpectColumnValuesToBeBetween, column="account_match_confidence", min_value=0, max_value=100),
    ]
    return gx.ExpectationSuite(name=SUITE_NAME, expectations=expectations)


def validate_frame(frame: pd.DataFrame, rules: Ruleset) -> list[ExpectationOutcome]:
    """Run the suite over `frame` (a `core.lead_contract.contract_frame`) in an ephemeral, in-memory context
    (no files, no analytics, no progress bars)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(), analytics_enabled=False,
                               progress_bars=ProgressBarsConfig(globally=False))
    context = gx.get_context(mode="ephemeral", project_config=config)
    batch_definition = (context.data_sources.add_pandas("leadgate").add_dataframe_asset("qualified_leads")
                        .add_batch_definition_whole_dataframe("rows"))
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(build_suite(rules),
                            result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE,
                                           "unexpected_index_column_names": ["lead_id"]})
    return [_outcome(r) for r in result.results]


def _outcome(r: Any) -> ExpectationOutcome:
    config = r.expectation_config
    got = r.result or {}
    raised = bool((r.exception_info or {}).get("raised_exception"))
    percent = got.get("unexpected_percent")
    return ExpectationOutcome(
        name=str((config.meta or {}).get("name") or config.type), description=str(config.description or ""),
        success=bool(r.success) and not raised, unexpected=_plain(got.get("unexpected_count")),
        unexpected_percent=round(float(percent), 4) if percent is not None else None,
        sample=[_plain(v) for v in (got.get("partial_unexpected_list") or [])][:SAMPLE],
        lead_ids=list(dict.fromkeys(str(i["lead_id"]) for i in got.get("partial_unexpected_index_list") or []
                                    if isinstance(i, dict) and i.get("lead_id") is not None)))


def _plain(value: Any) -> Any:
    """JSON-safe: numpy scalars to Python, tuples (column pairs) to lists."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value
