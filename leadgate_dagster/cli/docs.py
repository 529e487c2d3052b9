"""`leadgate docs`: documentation generated from the code."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    docs = sub.add_parser("docs", help="generated documentation").add_subparsers(
        dest="docs_command", required=True, help="what to generate")
    docs.add_parser("reasons", help="regenerate docs/reason-codes.md from the catalogue").set_defaults(
        run=lambda args: reasons())


def reasons() -> int:
    from leadgate_dagster.core.reasons_doc import render_markdown

    target = Path("docs/reason-codes.md")
    target.parent.mkdir(exist_ok=True)
    target.write_text(render_markdown(), "utf-8")
    print(f"leadgate docs: wrote {target}")
    return 0
