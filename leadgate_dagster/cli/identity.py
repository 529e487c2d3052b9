"""`leadgate identity`: the identity graph kept in the database."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ident = sub.add_parser("identity", help="the identity graph").add_subparsers(
        dest="identity_command", required=True, help="what to do with it")
    um = ident.add_parser("unmerge", help="undo a merge exactly (both persons and their leads restored)")
    um.add_argument("merge_id", type=int, metavar="MERGE_ID", help="the merge to undo (leadgate.merge_log)")
    um.add_argument("--actor", default="reviewer:cli", help="who undoes it, logged (default reviewer:cli)")
    um.set_defaults(run=lambda args: unmerge(args.merge_id, actor=args.actor))


def unmerge(merge_id: int, *, actor: str) -> int:
    from leadgate_dagster.cli.runtime import prepare
    from leadgate_dagster.gate.identity_admin import unmerge as undo

    survivor, absorbed = undo(prepare(dagster=False).engine, merge_id, actor=actor)
    print(f"merge {merge_id} undone: {absorbed} split from {survivor}")
    return 0
