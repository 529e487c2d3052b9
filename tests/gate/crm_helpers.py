"""Routed persons through the real pipeline, a fake CRM to hand them to, and what a test compares afterwards."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset, load_ruleset
from leadgate_dagster.gate.crm_destinations import open_destinations
from leadgate_dagster.gate.crm_sync import sync_outbox
from tests.fake_crm import TOKEN, FakeCrm
from tests.gate.review_helpers import decide

FIRST = ["Ann", "Bea", "Cleo", "Dora", "Edith", "Flora", "Greta", "Hanna", "Iris", "Jana", "Kira", "Lena", "Mira",
         "Nora", "Olga", "Paula", "Rosa", "Sara", "Tina", "Vera"]
LAST = ["Lee", "Moss", "Hart", "Reyes", "Quinn", "Baker", "Stone", "Ward", "Frost", "Lowe", "Marsh", "Nash",
        "Price", "Shaw", "Tate", "Voss", "West", "Young", "Blake", "Cross"]
CONSENTED = "yes,yes,yes,2026-01-01T00:00:00Z,v1"


def routed_row(i: int, *, email: str | None = None, first: str | None = None, tag: str | None = None) -> str:
    """A lead decided ROUTE_SDR under the shipped ruleset (email and voice open), person number `i`."""
    f, last = first or FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
    mail = email or f"{f.lower()}.{last.lower()}{i}@northwind.com"
    return (f"{f},{last},{mail},+1 415 555 {2000 + i:04d},Northwind,VP Sales,US,{CONSENTED},,"
            f"{tag or f'p{i}'}\n")


def rules_for_tests(tmp_path: Path, **crm: Any) -> Ruleset:
    """The shipped ruleset with a quick CRM clock (short timeouts and backoffs) and `crm` overrides."""
    body: dict[str, Any] = {"version": f"crm-test-{uuid.uuid4().hex[:6]}",
                            "crm": {"timeout_s": 0.5, "connect_timeout_s": 0.5, "backoff_initial_s": 0.01,
                                    "backoff_max_s": 0.05, "retry_after_cap_s": 0.2, "redelivery_backoff_s": 0,
                                    "redelivery_backoff_max_s": 0, **crm}}
    path = tmp_path / f"{body['version']}.yaml"
    path.write_text(json.dumps(body))
    return load_ruleset(path)


def route(engine: sa.Engine, rules: Ruleset, *rows: str) -> dict[str, str]:
    """Run the rows through every stage; Lead ID -> lead_id."""
    return decide(engine, rules, *rows)


def sync(engine: sa.Engine, rules: Ruleset, crm_url: str | None, *, now: datetime | None = None,
         environ: dict[str, str] | None = None) -> dict[str, Any]:
    """One drain against the fake CRM (None: no CRM configured)."""
    destinations = open_destinations(rules.crm, crm_url=crm_url or "", crm_token=TOKEN, environ=environ or {})
    try:
        return sync_outbox(engine, rules, destinations, now=now)
    finally:
        destinations.close()


def later(minutes: float = 1) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


def routed_persons(engine: sa.Engine, rules: Ruleset) -> dict[str, dict[str, Any]]:
    """person -> the state the CRM should hold: the current decision of the person's lead that speaks for it
    (the handoff dispositions first, an original before a replay, the latest), for persons handed off."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text("""
            SELECT DISTINCT ON (lp.person_id) lp.person_id, d.lead_id, d.disposition, d.allowed_channels, d.score
            FROM leadgate.lead_person lp JOIN leadgate.dispositions d ON d.lead_id = lp.lead_id AND d.is_current
            JOIN leadgate.leads l ON l.lead_id = lp.lead_id
            ORDER BY lp.person_id, array_position(CAST(:rank AS text[]), d.disposition), l.replay_of IS NOT NULL,
                     d.decided_at DESC, d.disposition_id DESC
        """), {"rank": [*rules.crm.handoff_dispositions, "QUARANTINE_REVIEW", "REJECT"]}).mappings().all()
    return {r["person_id"]: dict(r) for r in rows if r["disposition"] in rules.crm.handoff_dispositions}


def outbox(engine: sa.Engine) -> list[sa.Row[Any]]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT * FROM leadgate.crm_outbox ORDER BY outbox_id")).all())


def links(engine: sa.Engine) -> dict[str, sa.Row[Any]]:
    with engine.connect() as conn:
        return {r.person_id: r for r in conn.execute(sa.text("SELECT * FROM leadgate.crm_links")).all()}


def assert_reconciled(engine: sa.Engine, rules: Ruleset, crm: FakeCrm) -> None:
    """Dispositions -> outbox -> CRM: every routed person has exactly one CRM record, with its latest values and
    its link; every outbox row is done; no record ever went back to an older state; no call broke the limits."""
    routed = routed_persons(engine, rules)
    records = crm.by_person()
    assert set(records) == set(routed), (sorted(set(records) ^ set(routed)))[:5]
    assert all(len(found) == 1 for found in records.values()), {p: len(r) for p, r in records.items() if len(r) > 1}
    for person, state in routed.items():
        [record] = records[person]
        assert record["leadgate_disposition"] == state["disposition"]
        assert record["leadgate_lead_id"] == state["lead_id"]
        assert record["leadgate_allowed_channels"] == ";".join(sorted(state["allowed_channels"]))
    linked = links(engine)
    assert {p: linked[p].crm_id for p in routed} == {p: records[p][0]["id"] for p in routed}
    assert [r.outbox_id for r in outbox(engine) if r.status == "pending"] == []
    assert crm.seq_regressions() == [] and crm.violations == []


def score_review(engine: sa.Engine, lead_id: str) -> int:
    """A score_review item on the lead (what the queue job raises), so a reviewer can act on a routed lead."""
    with engine.begin() as conn:
        return int(conn.execute(sa.text("""
            INSERT INTO leadgate.review_items (kind, lead_id, reason_codes, due_at, fallback_at, expires_at)
            VALUES ('score_review', :l, ARRAY['HIGH_VALUE_ACCOUNT'], now(), now(), now() + interval '1 day')
            RETURNING review_id"""), {"l": lead_id}).scalar_one())
