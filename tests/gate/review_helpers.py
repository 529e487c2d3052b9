"""Leads that land in the review queue for known reasons, and readers of the queue, for the review tests."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset, load_ruleset
from tests.gate.scoring_helpers import decide_file

HEADER = ("First Name,Surname,E-mail Address,Mobile,Company Name,Job Title,Country,SMS Opt-In,Email Opt-In,"
          "Call Opt-In,Consent At,Consent Text Version,Employees,Lead ID\n")
CONSENTED = "yes,yes,yes,2026-01-01T00:00:00Z,v1"
# routed (ROUTE_SDR: email and voice open) under the shipped ruleset
ROUTED = f"Ann,Lee,ann.lee@northwind.com,+1 415 555 2671,Northwind,VP Sales,US,{CONSENTED},,routed\n"
# ROUTE_SDR at a 1001-5000 company: a high-value account not with an AE
HIGH_VALUE = f"Raj,Iyer,raj.iyer@globex.com,+1 415 555 2672,Globex,Director Sales,US,{CONSENTED},2000,big\n"
# held: no consent data at all in Germany (CONSENT_UNKNOWN, consent family: hold)
NO_CONSENT_DE = "Jana,Vogel,jana.vogel@northwind.com,+49 1512 9837164,Northwind,Head of Sales,DE,,,,,,,de\n"
# held: an invalid address beside a callable phone with consent (EMAIL_INVALID, invalid_contact: reject at 24 h)
BAD_EMAIL = f"Bo,Ek,bo.ek@@northwind,+1 415 555 2673,Northwind,Manager,US,{CONSENTED},,bad\n"
# Ann (ROUTED) again, another work mailbox and a number one digit off: a tier B pair for a person to judge
ANN_AGAIN = f"Ann,Lee,a.lee@northwind.com,+1 415 555 2677,Northwind,VP Sales,US,{CONSENTED},,again\n"
# held and hopeless: an invalid address, and a phone without any consent (no channel left)
HOPELESS = "Cy,Ng,cy.ng@@northwind,+1 415 555 2674,Northwind,Manager,US,,,,,,,hopeless\n"


def lead_file(*rows: str) -> bytes:
    return (HEADER + "".join(rows)).encode()


def rules_with(tmp_path: Path, **review: Any) -> Ruleset:
    """The shipped ruleset with `review` keys and `severity_overrides` replaced (an override file)."""
    body: dict[str, Any] = {"version": f"test-{uuid.uuid4().hex[:6]}"}
    overrides = review.pop("severity_overrides", None)
    if overrides:
        body["severity_overrides"] = overrides
    if review:
        body["review"] = review
    path = tmp_path / f"{body['version']}.yaml"
    path.write_text(json.dumps(body))
    return load_ruleset(path)


def decide(engine: sa.Engine, rules: Ruleset, *rows: str) -> dict[str, str]:
    """Run the rows through every stage; returns Lead ID -> lead_id."""
    batch = decide_file(engine, lead_file(*rows), rules)
    with engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT external_id, lead_id FROM leadgate.leads WHERE batch_id = :b"),
                                 {"b": batch}).all())


def items(engine: sa.Engine, **where: Any) -> list[sa.Row[Any]]:
    """Review items (optionally filtered by column = value), oldest first."""
    clause = " AND ".join(f"{k} = :{k}" for k in where) or "true"
    with engine.connect() as conn:
        return list(conn.execute(sa.text(
            f"SELECT * FROM leadgate.review_items WHERE {clause} ORDER BY review_id"), where).all())


def current(engine: sa.Engine, lead_id: str) -> sa.Row[Any]:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT * FROM leadgate.dispositions WHERE lead_id = :l AND is_current"),
                            {"l": lead_id}).one()


def history(engine: sa.Engine, lead_id: str) -> list[tuple[str, str, bool]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT disposition, decided_by, is_current FROM leadgate.dispositions WHERE lead_id = :l "
            "ORDER BY disposition_id"), {"l": lead_id}).all()]


def decisions(engine: sa.Engine, review_id: int) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT action, actor FROM leadgate.review_decisions WHERE review_id = :r ORDER BY decision_id"),
            {"r": review_id}).all()]


def snapshot(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables the queue job writes, for "a second run changes nothing"."""
    tables = {"review_items": "review_id", "review_decisions": "decision_id", "review_overrides": "override_id",
              "dispositions": "disposition_id", "alerts": "alert_id"}
    with engine.connect() as conn:
        return {t: [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM leadgate.{t} ORDER BY {key}"))]
                for t, key in tables.items()}


def now() -> datetime:
    return datetime.now(UTC)


def cache_mx(engine: sa.Engine, domain: str, status: str, catch_all: bool | None = None,
             reason: str | None = None) -> None:
    """Plant the MX cache's answer for a domain (what a live DNS lookup would have stored), fresh for 30 days."""
    with engine.begin() as conn:
        conn.execute(sa.text("""
            INSERT INTO leadgate.mx_cache (domain, status, mx_hosts, catch_all, reason, expires_at)
            VALUES (:d, :s, CASE WHEN :s = 'ok' THEN ARRAY['mx.' || :d] ELSE '{}' END, :c, :r,
                    now() + interval '30 days')
            ON CONFLICT (domain) DO UPDATE SET status = EXCLUDED.status, mx_hosts = EXCLUDED.mx_hosts,
                catch_all = EXCLUDED.catch_all, reason = EXCLUDED.reason"""),
            {"d": domain, "s": status, "c": catch_all, "r": reason})
