"""The `leadgate` command: demo, dev, qa, dedupe, db, rules, suppress, outcomes, model, docs."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="leadgate", description="A QA gate for sales leads, orchestrated with Dagster.")
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("demo", help="load the shipped example leads through the pipeline and print a summary")

    dev = sub.add_parser("dev", help="Dagster UI + daemon (sensors, schedules) + intake API on one database")
    dev.add_argument("--inbox", help="folder to watch for lead files (default: <LEADGATE_HOME>/inbox)")
    dev.add_argument("--port", type=int, default=3000, help="Dagster UI port (default 3000)")
    dev.add_argument("--api-port", type=int, default=8000, help="intake API port (default 8000)")

    qa = sub.add_parser("qa", help="run the whole gate on one file (dry run) and write one row per record")
    qa.add_argument("input")
    qa.add_argument("--out", required=True)
    qa.add_argument("--database-url", help="write into this database instead of a throwaway embedded one")
    qa.add_argument("--rules", help="a ruleset YAML to judge with (default: the shipped one)")

    dd = sub.add_parser("dedupe", help="resolve identities across a file")
    dd.add_argument("input")
    dd.add_argument("--out", required=True)
    dd.add_argument("--id-column")
    dd.add_argument("--pairs")
    dd.add_argument("--workers", type=int, help="processes to use (default: the CPUs available, at most 4)")

    ident = sub.add_parser("identity", help="the identity graph").add_subparsers(dest="identity_command", required=True)
    um = ident.add_parser("unmerge", help="undo a merge exactly (both persons and their leads restored)")
    um.add_argument("merge_id", type=int)
    um.add_argument("--actor", default="reviewer:cli")

    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply leadgate's migrations (demo and dev do this themselves)")

    rules = sub.add_parser("rules", help="rulesets").add_subparsers(dest="rules_command", required=True)
    diff = rules.add_parser("diff", help="show what changed between two rulesets (paths or activated versions)")
    diff.add_argument("a")
    diff.add_argument("b")
    act = rules.add_parser("activate", help="make a ruleset file the active one")
    act.add_argument("path")
    act.add_argument("--reason", required=True)
    act.add_argument("--author", default="")
    rules.add_parser("show", help="print the active ruleset's version and hash")
    check = rules.add_parser("check", help="check a ruleset file, or the activated one, key by key")
    which = check.add_mutually_exclusive_group(required=True)
    which.add_argument("file", nargs="?", help="a ruleset YAML (laid over the shipped one, as activate does)")
    which.add_argument("--active", action="store_true", help="re-parse the activated ruleset in the database")

    _scoring_parsers(sub)

    docs = sub.add_parser("docs", help="generated documentation").add_subparsers(dest="docs_command", required=True)
    docs.add_parser("reasons", help="regenerate docs/reason-codes.md from the catalogue")
    return p


def _scoring_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sup = sub.add_parser("suppress", help="the suppression / DNC list and per-channel revocations").add_subparsers(
        dest="suppress_command", required=True)
    add = sup.add_parser("add", help="suppress addresses, numbers or domains")
    add.add_argument("--email", action="append", default=[])
    add.add_argument("--phone", action="append", default=[], help="E.164, or national in validation.default_region")
    add.add_argument("--domain", action="append", default=[], help="a whole company's email domain")
    add.add_argument("--at", help="when the opt-out was given (ISO 8601; default: now)")
    imp = sup.add_parser("import", help="suppress the rows of a file (email/phone/domain, channel, reason, "
                                        "revoked_at columns)")
    imp.add_argument("path")
    for p in (add, imp):
        p.add_argument("--channel", default="all", choices=["all", "email", "sms", "voice"],
                       help="all: do not contact at all (DNC); a channel: consent revoked on it (default all)")
        p.add_argument("--reason", required=p is add, help="why (kept with each entry)")
        p.add_argument("--source", default="manual" if p is add else "import")

    out = sub.add_parser("outcomes", help="sales outcomes").add_subparsers(dest="outcomes_command", required=True)
    oi = out.add_parser("import", help="load outcomes (lead_id, converted, outcome, value, occurred_at)")
    oi.add_argument("path")
    oi.add_argument("--source", default="import")

    model = sub.add_parser("model", help="the conversion model").add_subparsers(dest="model_command", required=True)
    train = model.add_parser("train", help="train on the outcomes table (or a file) and print AUC, Brier, calibration")
    train.add_argument("--outcomes", help="a file of outcomes with their features (as the shipped leadgate_dagster/examples/outcomes_example.csv)")
    train.add_argument("--activate", action="store_true", help="make it the active model if it trained")
    ma = model.add_parser("activate", help="make a stored, trained model the active one")
    ma.add_argument("version")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Dagster's beta/preview notices are for us, not for someone running a command
    warnings.filterwarnings("ignore", module=r"dagster(\.|$)")
    from leadgate_dagster import commands, scoring_cli

    handler = {
        "demo": lambda: commands.demo(),
        "dev": lambda: commands.dev(inbox=args.inbox, port=args.port, api_port=args.api_port),
        "qa": lambda: _qa(args),
        "dedupe": lambda: _dedupe(args),
        "identity": lambda: _unmerge(args),
        "db": lambda: commands.db_upgrade(),
        "rules": lambda: commands.rules(args),
        "suppress": lambda: scoring_cli.suppress(args),
        "outcomes": lambda: scoring_cli.outcomes_import(args),
        "model": lambda: scoring_cli.model(args),
        "docs": lambda: commands.docs_reasons(),
    }[args.command]
    return int(handler() or 0)


def _qa(args: argparse.Namespace) -> int:
    from leadgate_dagster.qa import qa_command

    return qa_command(args.input, args.out, database_url=args.database_url, rules_path=args.rules)


def _dedupe(args: argparse.Namespace) -> int:
    from leadgate_dagster.identity_cli import dedupe_command

    return dedupe_command(args.input, args.out, args.id_column, args.pairs, workers=args.workers)


def _unmerge(args: argparse.Namespace) -> int:
    from leadgate_dagster.gate.identity_admin import unmerge
    from leadgate_dagster.runtime import prepare

    survivor, absorbed = unmerge(prepare(dagster=False).engine, args.merge_id, actor=args.actor)
    print(f"merge {args.merge_id} undone: {absorbed} split from {survivor}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
