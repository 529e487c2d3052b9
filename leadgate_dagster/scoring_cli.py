"""`leadgate suppress`, `leadgate outcomes` and `leadgate model`: the scoring inputs an operator maintains."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.file_reader import FileRejected
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.table_file import read_table


def _runtime() -> tuple[sa.Engine, Ruleset]:
    from leadgate_dagster.runtime import prepare
    from leadgate_dagster.store import rulesets

    engine = prepare(dagster=False).engine
    with engine.connect() as conn:
        return engine, rulesets.current(conn)


def _rows(path: str, command: str) -> list[dict[str, str]]:
    """The rows of a side file; an unreadable file or row stops the command with its reason (exit 2)."""
    file = Path(path)
    try:
        rows = list(read_table(file.read_bytes(), filename=file.name))
    except (OSError, FileRejected) as exc:
        detail = f"{exc.code}: {exc.detail}" if isinstance(exc, FileRejected) else str(exc)
        raise SystemExit(f"leadgate {command}: cannot read {path}: {detail}") from exc
    broken = [r for r in rows if r.values is None]
    if broken:
        raise SystemExit(f"leadgate {command}: {path}: {len(broken)} unreadable row(s), first: {broken[0].problem}")
    return [r.values for r in rows if r.values is not None]


def _print_rejected(command: str, rejected: list[dict[str, Any]]) -> None:
    for r in rejected[:20]:
        print(f"  row {r['record_no']}: {r['error']}: {r['detail']}", file=sys.stderr)
    if len(rejected) > 20:
        print(f"  ... and {len(rejected) - 20} more", file=sys.stderr)
    if rejected:
        print(f"leadgate {command}: {len(rejected)} row(s) refused", file=sys.stderr)


def suppress(args: argparse.Namespace) -> int:
    """Add entries to the suppression / DNC list (flags or a file); a channel other than `all` is a revocation
    of consent on that channel."""
    from leadgate_dagster.core.suppression_entries import normalize_entries
    from leadgate_dagster.store import suppressions

    engine, rules = _runtime()
    if args.suppress_command == "add":
        given = [{"email": e} for e in args.email] + [{"phone": p} for p in args.phone] + \
                [{"domain": d} for d in args.domain]
        if not given:
            raise SystemExit("leadgate suppress add: give at least one --email, --phone or --domain")
        at = args.at or datetime.now(UTC).isoformat()  # dated, so a later consent may re-open a channel
        rows = [{**g, "revoked_at": at} for g in given]
    else:
        rows = _rows(args.path, "suppress import")
    entries = normalize_entries(rows, rules=rules, default_channel=args.channel, default_source=args.source,
                                default_reason=args.reason)
    with engine.begin() as conn:
        new, updated = suppressions.upsert(conn, entries.frame)
    _print_rejected(f"suppress {args.suppress_command}", entries.rejected)
    print(f"leadgate suppress: {new} new, {updated} already listed (kept the stricter date), "
          f"{len(entries.rejected)} refused")
    return 1 if entries.rejected else 0


def outcomes_import(args: argparse.Namespace) -> int:
    """Load sales outcomes (lead_id, converted, ...) into the `outcomes` table the model trains on."""
    from leadgate_dagster.core.outcome_rows import normalize_outcomes
    from leadgate_dagster.store import outcomes

    engine, rules = _runtime()
    checked = normalize_outcomes(_rows(args.path, "outcomes import"), rules=rules, default_source=args.source)
    with engine.begin() as conn:
        written = outcomes.upsert(conn, checked.frame)
        stored, known = outcomes.counts(conn)
    _print_rejected("outcomes import", checked.rejected)
    print(f"leadgate outcomes: {written} written ({int(checked.frame['converted'].sum())} converted), "
          f"{len(checked.rejected)} refused; {stored} stored, {known} of them for leads leadgate knows")
    return 1 if checked.rejected else 0


def model(args: argparse.Namespace) -> int:
    """Train the conversion model (and activate it when asked and trained), or activate a stored version."""
    from leadgate_dagster.gate.model_training import describe, train_and_store, train_from_table
    from leadgate_dagster.store import score_models

    engine, rules = _runtime()
    if args.model_command == "activate":
        try:
            with engine.begin() as conn:
                score_models.activate(conn, args.version)
        except ValueError as exc:
            raise SystemExit(f"leadgate model activate: {exc}") from exc
        print(f"leadgate model: {args.version} is active")
        return 0
    if args.outcomes:
        result = train_and_store(engine, pd.DataFrame(_rows(args.outcomes, "model train")), rules,
                                 activate=args.activate)
        origin = args.outcomes
    else:
        result = train_from_table(engine, rules, activate=args.activate)
        origin = f"the outcomes table ({result.outcomes_usable} of {result.outcomes_stored} with a known lead)"
    print(f"leadgate model: trained on {origin}")
    print("\n".join(describe(result.artifact)))
    if args.activate and not result.activated:
        print("leadgate model: not activated (only a trained model can be)", file=sys.stderr)
        return 1
    print(f"  {'activated' if result.activated else 'stored, not active (leadgate model activate VERSION)'}")
    return 0
