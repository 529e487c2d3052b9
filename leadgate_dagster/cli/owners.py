"""`leadgate owners`: the SDRs, AEs and queues routed leads go to (docs/routing.md)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from leadgate_dagster.cli.operator_files import engine_and_rules, read_rows


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    grp = sub.add_parser("owners", help="the owners routed leads go to (SDRs, AEs, queues)").add_subparsers(
        dest="owners_command", required=True, help="what to do")
    imp = grp.add_parser(
        "import", help="add or update owners from a file (all rows valid, or nothing is written)",
        description="Columns: email, name, role (sdr or ae), and optionally countries, regions, postal_prefixes "
                    "(semicolon-separated), segment, daily_capacity, weight, timezone, working_hours (e.g. "
                    "'mon-fri 09:00-17:00'), active. An owner not in the file is left as it is; one made "
                    "inactive hands its routed leads on. Exits 2 when a row is invalid (every problem printed).")
    imp.add_argument("path", metavar="FILE", help="a CSV, TSV, JSONL or XLSX of owners")
    imp.set_defaults(run=lambda args: import_file(args.path))
    ls = grp.add_parser("list", help="the owners with their territory, capacity and today's load")
    ls.add_argument("--all", action="store_true", help="inactive owners too")
    ls.add_argument("--json", action="store_true", help="a JSON array instead of a table")
    ls.set_defaults(run=lambda args: list_owners(include_inactive=args.all, as_json=args.json))


def import_file(path: str) -> int:
    from leadgate_dagster.gate.routing_admin import import_owners

    rows = read_rows(path, "owners import")
    engine, rules = engine_and_rules()
    result = import_owners(engine, rows, rules)
    if result.problems:
        for p in result.problems:
            print(f"  {p}", file=sys.stderr)
        print(f"leadgate owners import: {path}: {len(result.problems)} problem(s), nothing written", file=sys.stderr)
        return 2
    left = f" ({', '.join(result.left)})" if result.left else ""
    print(f"leadgate owners: {result.new} new, {result.updated} updated, {len(result.left)} left their leads{left}, "
          f"{result.moved} routed lead(s) moved or newly owned")
    return 0


def list_owners(*, include_inactive: bool, as_json: bool) -> int:
    from leadgate_dagster.gate.routing_admin import owner_list

    engine, rules = engine_and_rules()
    found = owner_list(engine, rules, include_inactive=include_inactive)
    if as_json:
        print(json.dumps(found, default=str))
        return 0
    if not found:
        print("no owners (leadgate owners import FILE)")
        return 0
    print(f"{'email':<32} {'role':<4} {'territory':<36} {'load/cap':>9} {'timezone':<20} {'hours':<24} now")
    for o in found:
        print(f"{o['email']:<32} {o['role']:<4} {_territory(o):<36} "
              f"{o['load']:>4}/{o['daily_capacity'] if o['daily_capacity'] is not None else '-':<4} "
              f"{o['timezone']:<20} {o['working_hours'] or 'any time':<24} "
              f"{'inactive' if not o['active'] else 'working' if o['in_hours'] else 'from ' + o['start'][:16]}")
    return 0


def _territory(owner: dict[str, Any]) -> str:
    parts = [";".join(owner[k]) for k in ("countries", "regions", "postal_prefixes") if owner[k]]
    parts += [owner["segment"]] if owner["segment"] else []
    return " ".join(parts) or "everything else"
