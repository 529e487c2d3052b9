"""The qualified_leads data contract, run over the view (all of it, or the last N days of decisions).

Dagster-free: the `qualified_leads_contract` asset check calls `check_contract` on its own schedule, and a
test or a shell can call `run_contract`. Failures become `contract_failed` alerts, one open alert per failing
expectation, resolved by the first run in which it passes again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from leadgate_dagster.core.contract_suite import ExpectationOutcome, validate_frame
from leadgate_dagster.core.lead_contract import contract_frame
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import contract as store


@dataclass(frozen=True, slots=True)
class ContractResult:
    """One run: the rows checked (decided since `since`, or all when None) and every expectation's outcome."""

    rows: int
    since: datetime | None
    ruleset_version: str
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]


def run_contract(engine: sa.Engine, rules: Ruleset, *, window_days: float | None = None) -> ContractResult:
    """Check the view against the contract.

    Args:
        engine: leadgate's database.
        rules: the active ruleset (the channel rules and score maxima are judged under it).
        window_days: only rows decided in the last this many days; None or 0 checks the whole view.

    Returns:
        The result, with one outcome per expectation.
    """
    since = datetime.now(UTC) - timedelta(days=window_days) if window_days else None
    with engine.connect() as conn:
        rows = store.contract_rows(conn, since)
    outcomes = validate_frame(contract_frame(rows, rules), rules)
    return ContractResult(rows=len(rows), since=since, ruleset_version=rules.version, outcomes=outcomes)


def record_alerts(engine: sa.Engine, result: ContractResult) -> dict[str, int]:
    """Open (or refresh) an alert per failed expectation and resolve those that pass again."""
    failures = [{"subject": o.name, "message": f"qualified_leads contract: {o.description} "
                                              f"({o.unexpected if o.unexpected is not None else '?'} rows)",
                 "details": {"unexpected": o.unexpected, "unexpected_percent": o.unexpected_percent,
                             "sample": o.sample, "lead_ids": o.lead_ids, "rows_checked": result.rows,
                             "since": result.since.isoformat() if result.since else None,
                             "ruleset_version": result.ruleset_version}}
                for o in result.failed]
    with engine.begin() as conn:
        opened = store.open_alerts(conn, failures)
        resolved = store.resolve_alerts(conn, [o.name for o in result.failed])
    return {"alerts_open": opened, "alerts_resolved": resolved}


def check_contract(engine: sa.Engine, rules: Ruleset, *, window_days: float | None = None
                   ) -> tuple[ContractResult, dict[str, int]]:
    """`run_contract`, then `record_alerts`: what the scheduled check does."""
    result = run_contract(engine, rules, window_days=window_days)
    return result, record_alerts(engine, result)
