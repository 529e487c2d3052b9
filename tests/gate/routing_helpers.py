"""Routed leads by the dozen, owners and accounts loaded as an operator loads them, and readers of what routing
wrote, for the routing tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset, load_ruleset
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.gate.mx import mx_lookup_for
from leadgate_dagster.gate.pipeline import STAGES, BatchContext, run_batch
from leadgate_dagster.gate.routing_admin import import_accounts, import_owners
from leadgate_dagster.store.intake import claim_batches

RULES = load_ruleset()
HEADER = ("First Name,Surname,E-mail Address,Mobile,Company Name,Job Title,Employees,City,State,Zip,Country,SMS Opt-In,"
          "Email Opt-In,Call Opt-In,Demo Requested,Consent At,Consent Text Version,Lead ID\n")
FIRST = ("Ann", "Bea", "Carl", "Dana", "Emil", "Fay", "Gus", "Hana", "Ivo", "Jill", "Kurt", "Lena", "Milo",
         "Nora", "Otto", "Pia", "Quin", "Rosa", "Sven", "Tara")
LAST = ("Adler", "Brandt", "Coleman", "Dorsey", "Ellison", "Fischer", "Garrett", "Holloway", "Ingram", "Jensen",
        "Keller", "Lindqvist", "Morrow", "Nakamura", "Okafor", "Prescott", "Quigley", "Ramirez", "Sorensen", "Thorne")
SF = ("San Francisco", "CA", "94107")
AUSTIN = ("Austin", "TX", "73301")


def person(i: int, *, company: str = "Northwind", domain: str = "northwind.com", place: tuple[str, str, str] = SF,
           demo: str = "", employees: str = "", external_id: str | None = None) -> str:
    """A lead routed under the shipped ruleset (email and voice open; ROUTE_AE with `demo`), person `i` of
    400 distinct ones: name, mailbox and number all differ."""
    first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
    city, state, zip_code = place
    return (f"{first},{last},{first.lower()}.{last.lower()}@{domain},+1 415 555 {3000 + i},{company},VP Sales,"
            f"{employees},{city},{state},{zip_code},US,yes,yes,yes,{demo},2026-01-01T00:00:00Z,v1,{external_id or f'p{i}'}\n")


def lead_file(*rows: str) -> bytes:
    return (HEADER + "".join(rows)).encode()


def prepare(engine: sa.Engine, rules: Ruleset, *rows: str, data: bytes | None = None) -> str:
    """Ingest the rows (or a whole file's `data`) as one batch and run every stage before qualification;
    returns the batch id."""
    ingest_bytes(engine, data or lead_file(*rows), filename=f"{uuid.uuid4().hex}.csv", source="web", rules=rules)
    [(batch_id, _)] = claim_batches(engine, max_events=5000, max_batches=1, lease_seconds=60)
    ctx = BatchContext(engine, batch_id, rules, mx_lookup_for(engine, rules))
    list(run_batch(ctx, [s.name for s in STAGES if s.name != "qualified_leads"]))
    return batch_id


def run(engine: sa.Engine, rules: Ruleset, *rows: str) -> str:
    """Ingest and run every stage; returns the batch id."""
    return _qualified(engine, rules, prepare(engine, rules, *rows))


def run_file(engine: sa.Engine, rules: Ruleset, data: bytes) -> str:
    """A whole lead file through every stage; returns the batch id."""
    return _qualified(engine, rules, prepare(engine, rules, data=data))


def _qualified(engine: sa.Engine, rules: Ruleset, batch_id: str) -> str:
    ctx = BatchContext(engine, batch_id, rules, mx_lookup_for(engine, rules))
    list(run_batch(ctx, ["qualified_leads"]))
    return batch_id


def owners(engine: sa.Engine, *rows: dict[str, str], rules: Ruleset = RULES) -> Any:
    result = import_owners(engine, list(rows), rules)
    assert not result.problems, result.problems
    return result


def accounts(engine: sa.Engine, *rows: dict[str, str], rules: Ruleset = RULES) -> None:
    result = import_accounts(engine, list(rows), rules)
    assert not result.problems, result.problems


def routed(engine: sa.Engine, batch_id: str | None = None) -> dict[str, sa.Row[Any]]:
    """Current decisions with routing columns, by the lead's Lead ID (external id)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text("""
            SELECT l.external_id, d.* FROM leadgate.leads l
            JOIN leadgate.dispositions d ON d.lead_id = l.lead_id AND d.is_current
            WHERE CAST(:b AS text) IS NULL OR l.batch_id = :b"""), {"b": batch_id}).all()
    return {r.external_id: r for r in rows}


def query(engine: sa.Engine, sql: str, **params: Any) -> list[sa.Row[Any]]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(sql), params).all())


def now() -> datetime:
    return datetime.now(UTC)
