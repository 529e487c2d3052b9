"""What `leadgate suppress`, `outcomes` and `model` share: the database with its active ruleset, and the rows
of the side files an operator maintains."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlalchemy as sa

    from leadgate_dagster.core.ruleset import Ruleset


def engine_and_rules() -> tuple[sa.Engine, Ruleset]:
    from leadgate_dagster.cli.runtime import prepare
    from leadgate_dagster.store import rulesets

    engine = prepare(dagster=False).engine
    with engine.connect() as conn:
        return engine, rulesets.current(conn)


def read_rows(path: str, command: str) -> list[dict[str, str]]:
    """The rows of a side file; an unreadable file or row stops the command with its reason (exit 2)."""
    from leadgate_dagster.core.file_reader import FileRejected
    from leadgate_dagster.core.table_file import read_table

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


def print_rejected(command: str, rejected: list[dict[str, Any]]) -> None:
    for r in rejected[:20]:
        print(f"  row {r['record_no']}: {r['error']}: {r['detail']}", file=sys.stderr)
    if len(rejected) > 20:
        print(f"  ... and {len(rejected) - 20} more", file=sys.stderr)
    if rejected:
        print(f"leadgate {command}: {len(rejected)} row(s) refused", file=sys.stderr)
