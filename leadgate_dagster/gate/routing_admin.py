"""The owners and accounts an operator maintains: imports (all or nothing) and listings.

An owners import runs under the disposition writers' lock, so a batch routes entirely before or after it.
Owners it makes inactive (or gives another role) leave their routed leads: each moves to the owner routing
picks now, as a new decision by `reroute` (the old one stays as history). Routed leads waiting without an
owner are routed again too, since the import may have brought someone who can take them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.routing.accounts import parse_account_rows
from leadgate_dagster.core.routing.assign import NO_OWNER
from leadgate_dagster.core.routing.owners import parse_owner_rows
from leadgate_dagster.core.routing.roster import roster_at
from leadgate_dagster.core.routing.sheet import RowProblem
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.routing import reroute
from leadgate_dagster.store import accounts, dispositions, owners, routing_facts

REROUTED_BY = "reroute"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did, or (problems non-empty) why it wrote nothing."""

    new: int = 0
    updated: int = 0
    left: list[str] = field(default_factory=list)  # owners who left their leads (inactive, other role)
    moved: int = 0  # routed leads that changed owner (or found one)
    problems: list[RowProblem] = field(default_factory=list)


def import_owners(engine: sa.Engine, rows: Sequence[dict[str, str]], rules: Ruleset, *,
                  now: datetime | None = None) -> ImportResult:
    """Check every row, then upsert the owners by email and move the leads of those who left."""
    parsed = parse_owner_rows(rows, rules=rules)
    if parsed.problems:
        return ImportResult(problems=parsed.problems)
    now = now or datetime.now(UTC)
    with engine.begin() as conn:
        dispositions.lock(conn)
        new, updated, left = owners.upsert(conn, parsed.frame, now=now)
        todo = sorted({*routing_facts.routed_leads_of(conn, left), *routing_facts.unowned_leads(conn, NO_OWNER)})
        moved = reroute(conn, todo, rules, now=now, decided_by=REROUTED_BY) if todo else 0
    return ImportResult(new=new, updated=updated, left=left, moved=moved)


def import_accounts(engine: sa.Engine, rows: Sequence[dict[str, str]], rules: Ruleset, *,
                    now: datetime | None = None) -> ImportResult:
    """Check every row (owners must exist, a domain belongs to one account), then upsert by account id.
    Leads already decided keep their match; later decisions use the new accounts."""
    with engine.begin() as conn:
        known = owners.emails(conn)
        parsed = parse_account_rows(rows, rules=rules, known_owners=known)
        stored = accounts.domain_owners(conn, set(parsed.domains["domain"]))
        if stored:  # a domain another stored account holds is this file's problem too
            parsed = parse_account_rows(rows, rules=rules, known_owners=known, taken_domains=stored)
        if parsed.problems:
            return ImportResult(problems=parsed.problems)
        new, updated = accounts.upsert(conn, parsed.accounts, parsed.domains, now=now or datetime.now(UTC))
    return ImportResult(new=new, updated=updated)


def owner_list(engine: sa.Engine, rules: Ruleset, *, include_inactive: bool,
               now: datetime | None = None) -> list[dict[str, Any]]:
    """Owners by email with their territory, capacity and the load of the day they would take a lead on, and
    whether they are in working hours now."""
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        table = owners.load(conn, active_only=not include_inactive)
        if table.empty:
            return []
        table = roster_at(table, now, rules.routing.territory_precedence)
        loads = owners.loads(conn, dict(zip(table["email"], table["day"], strict=True)))
    table["load"] = [loads.get(e, 0) for e in table["email"]]
    out = []
    for row in table.to_dict("records"):
        row["daily_capacity"] = None if pd.isna(row["daily_capacity"]) else int(row["daily_capacity"])
        row["start"] = row["start"].isoformat()
        row["day"] = row["day"].isoformat()
        row["deactivated_at"] = None if pd.isna(row["deactivated_at"]) else row["deactivated_at"].isoformat()
        out.append(row)
    return out


def account_list(engine: sa.Engine, *, limit: int) -> list[dict[str, Any]]:
    """Accounts by id with their domains, owner and segment."""
    with engine.connect() as conn:
        return accounts.list_accounts(conn, limit).to_dict("records")
