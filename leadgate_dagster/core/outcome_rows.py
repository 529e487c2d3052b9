"""Sales outcomes (converted or not) as a CRM export gives them, checked before they are stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from leadgate_dagster.core.columns import parse_times, text
from leadgate_dagster.core.ruleset import Ruleset

OUTCOME_COLUMNS = ("lead_id", "converted", "outcome", "value", "occurred_at", "source")


@dataclass(frozen=True, slots=True)
class OutcomeRows:
    """Rows ready to store (OUTCOME_COLUMNS) and the rows refused (record_no, error, detail)."""

    frame: pd.DataFrame
    rejected: list[dict[str, Any]] = field(default_factory=list)


def normalize_outcomes(rows: list[dict[str, str]], *, rules: Ruleset, default_source: str = "import") -> OutcomeRows:
    """Check outcome rows: `lead_id` and `converted` (a consent yes/no word, true/false, 1/0) are required;
    `outcome` (the CRM stage), `value`, `occurred_at` and `source` are optional. The last row of a lead wins."""
    yes, no = set(rules.consent.yes_values), set(rules.consent.no_values)
    frame = pd.DataFrame(rows, dtype=object)
    frame["record_no"] = range(1, len(frame) + 1)
    lead = text(frame, "lead_id")
    word = text(frame, "converted", lower=True)
    value = pd.to_numeric(text(frame, "value"), errors="coerce")
    when = parse_times(text(frame, "occurred_at"))
    problems = {  # code -> (rows failing, the column it is about)
        "OUTCOME_NO_LEAD_ID": (lead.isna(), "lead_id"),
        "OUTCOME_CONVERTED_INVALID": (~word.isin(yes | no), "converted"),
        "OUTCOME_VALUE_INVALID": (text(frame, "value").notna() & value.isna(), "value"),
        "OUTCOME_TIME_INVALID": (text(frame, "occurred_at").notna() & when.isna(), "occurred_at"),
    }
    rejected: list[dict[str, Any]] = []
    bad = pd.Series(False, index=frame.index)
    for code, (mask, name) in problems.items():
        mask = mask & ~bad
        given = text(frame, name)
        rejected += [{"record_no": int(frame.at[i, "record_no"]), "error": code,
                      "detail": f"{name} {given[i]!r} is missing or not readable"} for i in frame.index[mask]]
        bad |= mask
    ok = ~bad
    out = pd.DataFrame({
        "lead_id": lead[ok], "converted": word[ok].isin(yes), "outcome": text(frame, "outcome")[ok],
        "value": value[ok].astype(object).where(value[ok].notna(), None),
        "occurred_at": when[ok].astype(object).where(when[ok].notna(), None),
        "source": text(frame, "source")[ok].fillna(default_source)})
    out = out.drop_duplicates("lead_id", keep="last").reset_index(drop=True)
    return OutcomeRows(out[list(OUTCOME_COLUMNS)], sorted(rejected, key=lambda r: r["record_no"]))
