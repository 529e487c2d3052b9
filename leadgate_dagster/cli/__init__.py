"""The `leadgate` command. Each command group is a module here that registers its subparsers, each with a
`run` that unpacks the parsed arguments into a typed call; nothing past that module sees the Namespace.

Group modules import their heavy dependencies (pandas, Dagster, the store) inside their handlers, so building
the parser stays cheap and Dagster's import-time notices can be silenced before any of them load.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from importlib.metadata import version

from leadgate_dagster.cli import (
    accounts,
    crm,
    db,
    dedupe,
    demo,
    dev,
    docs,
    identity,
    keys,
    model,
    outcomes,
    owners,
    qa,
    review,
    rules,
    serve,
    suppress,
    users,
)

GROUPS = (demo, dev, serve, keys, users, qa, dedupe, identity, review, crm, owners, accounts, db, rules, suppress,
          outcomes, model, docs)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="leadgate", description="A QA gate for sales leads, orchestrated with Dagster.")
    p.add_argument("--version", action="version", version=f"leadgate {version('leadgate')}")
    sub = p.add_subparsers(dest="command", required=True, help="`leadgate COMMAND --help` tells more")
    for group in GROUPS:
        group.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Dagster's beta/preview notices are for us, not for someone running a command
    warnings.filterwarnings("ignore", module=r"dagster(\.|$)")
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
