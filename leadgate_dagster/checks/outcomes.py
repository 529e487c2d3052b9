"""The gate's check declarations and outcomes (`core/check_outcome.py`) as Dagster asset check specs and
results: a blocking check is an ERROR that stops what depends on its asset, the others warn."""

from collections.abc import Iterable, Mapping
from typing import Any

import dagster as dg

from leadgate_dagster.core.check_outcome import CheckOutcome, Markdown
from leadgate_dagster.gate.pipeline import Stage


def check_specs(stages: Iterable[Stage]) -> list[dg.AssetCheckSpec]:
    return [dg.AssetCheckSpec(check.name, asset=stage.name, blocking=check.blocking, description=check.description)
            for stage in stages for check in stage.checks]


def _value(value: Any) -> Any:
    if isinstance(value, Markdown):
        return dg.MetadataValue.md(str(value))
    if isinstance(value, (Mapping, list)):
        return dg.MetadataValue.json(value)
    return value


def to_check_result(asset: str, outcome: CheckOutcome) -> dg.AssetCheckResult:
    severity = dg.AssetCheckSeverity.ERROR if outcome.blocking else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(asset_key=asset, check_name=outcome.name, passed=outcome.passed, severity=severity,
                               description=outcome.description,
                               metadata={k: _value(v) for k, v in outcome.metadata.items()})
