"""`leadgate accounts`: the accounts leads are matched to (docs/routing.md)."""

from __future__ import annotations

import argparse
import json
import sys

from leadgate_dagster.cli.operator_files import engine_and_rules, read_rows


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    grp = sub.add_parser("accounts", help="the accounts leads are matched to").add_subparsers(
        dest="accounts_command", required=True, help="what to do")
    imp = grp.add_parser(
        "import", help="add or update accounts from a file (all rows valid, or nothing is written)",
        description="Columns: id, name, and optionally domains (semicolon-separated), website, owner (an owner's "
                    "email: import the owners first), segment. A free-mail domain, or one another account holds, "
                    "is refused. Exits 2 when a row is invalid (every problem printed).")
    imp.add_argument("path", metavar="FILE", help="a CSV, TSV, JSONL or XLSX of accounts")
    imp.set_defaults(run=lambda args: import_file(args.path))
    ls = grp.add_parser("list", help="the accounts with their domains and owner")
    ls.add_argument("--limit", type=int, default=100, help="at most this many, by id (default 100)")
    ls.add_argument("--json", action="store_true", help="a JSON array instead of a table")
    ls.set_defaults(run=lambda args: list_accounts(limit=args.limit, as_json=args.json))


def import_file(path: str) -> int:
    from leadgate_dagster.gate.routing_admin import import_accounts

    rows = read_rows(path, "accounts import")
    engine, rules = engine_and_rules()
    result = import_accounts(engine, rows, rules)
    if result.problems:
        for p in result.problems:
            print(f"  {p}", file=sys.stderr)
        print(f"leadgate accounts import: {path}: {len(result.problems)} problem(s), nothing written",
              file=sys.stderr)
        return 2
    print(f"leadgate accounts: {result.new} new, {result.updated} updated")
    return 0


def list_accounts(*, limit: int, as_json: bool) -> int:
    from leadgate_dagster.gate.routing_admin import account_list

    engine, _ = engine_and_rules()
    found = account_list(engine, limit=limit)
    if as_json:
        print(json.dumps(found, default=str))
        return 0
    if not found:
        print("no accounts (leadgate accounts import FILE)")
        return 0
    print(f"{'id':<16} {'name':<28} {'owner':<32} {'segment':<12} domains")
    for a in found:
        print(f"{a['account_id']:<16} {a['name'][:28]:<28} {a['owner_email'] or '-':<32} {a['segment'] or '-':<12} "
              f"{';'.join(a['domains'])}")
    return 0
