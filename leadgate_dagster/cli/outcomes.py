"""`leadgate outcomes`: the sales outcomes the conversion model trains on."""

from __future__ import annotations

import argparse

from leadgate_dagster.cli.operator_files import engine_and_rules, print_rejected, read_rows


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    out = sub.add_parser("outcomes", help="sales outcomes").add_subparsers(
        dest="outcomes_command", required=True, help="what to do")
    oi = out.add_parser("import", help="load outcomes (lead_id, converted, outcome, value, occurred_at)")
    oi.add_argument("path", metavar="FILE", help="a CSV, TSV, JSONL or XLSX of outcomes")
    oi.add_argument("--source", default="import", help="where the outcomes come from (default import)")
    oi.set_defaults(run=lambda args: import_outcomes(args.path, source=args.source))


def import_outcomes(path: str, *, source: str) -> int:
    """Load sales outcomes (lead_id, converted, ...) into the `outcomes` table the model trains on."""
    from leadgate_dagster.core.outcome_rows import normalize_outcomes
    from leadgate_dagster.store import outcomes

    engine, rules = engine_and_rules()
    checked = normalize_outcomes(read_rows(path, "outcomes import"), rules=rules, default_source=source)
    with engine.begin() as conn:
        written = outcomes.upsert(conn, checked.frame)
        stored, known = outcomes.counts(conn)
    print_rejected("outcomes import", checked.rejected)
    print(f"leadgate outcomes: {written} written ({int(checked.frame['converted'].sum())} converted), "
          f"{len(checked.rejected)} refused; {stored} stored, {known} of them for leads leadgate knows")
    return 1 if checked.rejected else 0
