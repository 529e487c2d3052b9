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
    es = ident.add_parser("estimate", help="estimate identity parameters from the graph (stored, not active)")
    es.add_argument("--sample", type=int, default=500_000, help="at most this many leads (seeded sample)")
    es.add_argument("--author", default="cli", help="recorded with the candidate (default cli)")
    es.set_defaults(run=lambda args: estimate(args.sample, author=args.author))
    ac = ident.add_parser("activate", help="make an estimated parameter set judge every later batch")
    ac.add_argument("version", metavar="VERSION", help="as `leadgate identity estimate` printed it")
    ac.add_argument("--reason", required=True, help="why, recorded with the activation")
    ac.add_argument("--author", default="cli", help="who activates it, recorded (default cli)")
    ac.set_defaults(run=lambda args: activate(args.version, author=args.author, reason=args.reason))


def unmerge(merge_id: int, *, actor: str) -> int:
    from leadgate_dagster.cli.runtime import prepare
    from leadgate_dagster.gate.identity_admin import unmerge as undo

    survivor, absorbed = undo(prepare(dagster=False).engine, merge_id, actor=actor)
    print(f"merge {merge_id} undone: {absorbed} split from {survivor}")
    return 0


def estimate(sample: int, *, author: str) -> int:
    """Estimate a candidate parameter set from the graph and print it; it judges nothing until activated."""
    import sys

    from leadgate_dagster.cli.runtime import prepare
    from leadgate_dagster.core.identity.model_report import explain_lines
    from leadgate_dagster.gate.identity_estimate import estimate_from_graph
    from leadgate_dagster.store.rulesets import current

    engine = prepare(dagster=False).engine
    with engine.connect() as conn:
        rules = current(conn)
    version, found, blocking = estimate_from_graph(engine, rules, sample=sample, author=author)
    print("\n".join(explain_lines(found.model.version, found.report, blocking)))
    if not version:
        print("nothing stored: too little data to estimate from", file=sys.stderr)
        return 1
    print(f"stored candidate {version}; it judges nothing until `leadgate identity activate {version} --reason ...`")
    return 0


def activate(version: str, *, author: str, reason: str) -> int:
    import sys

    from leadgate_dagster.cli.runtime import prepare
    from leadgate_dagster.gate.identity_estimate import activate as make_active

    if not make_active(prepare(dagster=False).engine, version, author=author, reason=reason):
        print(f"leadgate identity activate: no parameter set {version!r} (see `leadgate identity estimate`)",
              file=sys.stderr)
        return 2
    print(f"identity parameters {version} active: later batches are judged by them")
    return 0
