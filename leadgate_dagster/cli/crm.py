"""`leadgate crm`: the CRM handoff from the command line: drain the outbox once (what the sensor's runs do),
announce decisions made before the outbox existed, or show how full it is. The CRM is `LEADGATE_CRM_URL` with `LEADGATE_CRM_TOKEN`; webhooks take their secrets from
the variables the ruleset names."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    crm = sub.add_parser("crm", help="the CRM handoff: drain the outbox, or show it").add_subparsers(
        dest="crm_command", required=True, help="what to do")
    sync = crm.add_parser("sync", help="deliver every due person's latest state once (exit 1: some failed, "
                                       "3: another drain is running)")
    sync.add_argument("--json", action="store_true", help="the drain's counts as JSON")
    sync.set_defaults(run=lambda args: sync_once(as_json=args.json))
    backfill = crm.add_parser("backfill", help="announce every current handoff decision the CRM has not heard of "
                                               "(decisions made before the outbox existed)")
    backfill.set_defaults(run=lambda args: backfill_outbox())
    status = crm.add_parser("status", help="the outbox: pending, due, failed, the oldest due row's age, the last "
                                           "hour's deliveries")
    status.add_argument("--json", action="store_true", help="JSON instead of text")
    status.set_defaults(run=lambda args: show_status(as_json=args.json))


def sync_once(*, as_json: bool) -> int:
    import os

    from leadgate_dagster import settings
    from leadgate_dagster.cli.operator_files import engine_and_rules
    from leadgate_dagster.gate.crm_destinations import open_destinations
    from leadgate_dagster.gate.crm_sync import sync_outbox

    engine, rules = engine_and_rules()
    url, token = settings.crm_endpoint()
    destinations = open_destinations(rules.crm, crm_url=url, crm_token=token, environ=os.environ)
    try:
        report = sync_outbox(engine, rules, destinations)
    finally:
        destinations.close()
    if as_json:
        print(json.dumps({**report, "destinations_missing": list(destinations.missing)}))
    else:
        print(_line(report, destinations.missing))
    if report["busy"]:
        return 3
    return 1 if report["failed"] + report["schema_mismatch"] + report["no_email"] + report["retried"] else 0


def _line(r: dict[str, Any], missing: tuple[str, ...]) -> str:
    if r["busy"]:
        return "leadgate crm sync: another drain is running; nothing done"
    waiting = f", {r['waiting']} waiting for {', '.join(missing)}" if r["waiting"] else ""
    return (f"leadgate crm sync: {r['persons']} persons: {r['sent']} sent ({r['created']} created, "
            f"{r['updated']} updated, {r['delivered']} to webhooks), {r['retried']} to retry, {r['failed']} failed "
            f"after every retry, {r['schema_mismatch']} refused by the CRM, {r['no_email']} without an email, "
            f"{r['merged']} merged{waiting}")


def backfill_outbox() -> int:
    from leadgate_dagster.cli.operator_files import engine_and_rules
    from leadgate_dagster.store import crm_outbox

    engine, rules = engine_and_rules()
    with engine.begin() as conn:
        written = crm_outbox.enqueue_current(conn, handoff=rules.crm.handoff_dispositions)
    print(f"leadgate crm backfill: {written} decisions announced; `leadgate crm sync` (or the sensor) sends them")
    return 0


def show_status(*, as_json: bool) -> int:
    from datetime import UTC, datetime

    from leadgate_dagster.cli.operator_files import engine_and_rules
    from leadgate_dagster.gate.crm_report import outbox_report

    engine, rules = engine_and_rules()
    report, check = outbox_report(engine, rules, datetime.now(UTC))
    if as_json:
        print(json.dumps({**report, "age_check_passed": check.passed}))
        return 0
    for name, value in report.items():
        print(f"{name}: {value}")
    print(f"{check.name}: {'ok' if check.passed else 'WARN'} ({check.description})")
    return 0
