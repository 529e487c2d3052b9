"""`leadgate rules`: diff, activate, show and check rulesets."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leadgate_dagster.core.ruleset import Ruleset


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rules = sub.add_parser("rules", help="rulesets").add_subparsers(
        dest="rules_command", required=True, help="what to do")
    diff = rules.add_parser("diff", help="show what changed between two rulesets (paths or activated versions)")
    diff.add_argument("a", metavar="A", help="a ruleset file or an activated version")
    diff.add_argument("b", metavar="B", help="the ruleset to compare it with (file or version)")
    diff.set_defaults(run=lambda args: _reporting("diff", lambda: diff_rules(args.a, args.b)))
    act = rules.add_parser("activate", help="make a ruleset file the active one")
    act.add_argument("path", metavar="PATH", help="a ruleset YAML (laid over the shipped one)")
    act.add_argument("--reason", required=True, help="why, kept with the activation")
    act.add_argument("--author", default="", help="who activates it (default: the logged-in user)")
    act.set_defaults(run=lambda args: _reporting(
        "activate", lambda: activate(args.path, reason=args.reason, author=args.author or getpass.getuser())))
    rules.add_parser("show", help="print the active ruleset's version and hash").set_defaults(
        run=lambda args: _reporting("show", show))
    check = rules.add_parser("check", help="check a ruleset file, or the activated one, key by key")
    which = check.add_mutually_exclusive_group(required=True)
    which.add_argument("file", nargs="?", help="a ruleset YAML (laid over the shipped one, as activate does)")
    which.add_argument("--active", action="store_true", help="re-parse the activated ruleset in the database")
    check.set_defaults(run=lambda args: _reporting("check", lambda: check_rules(args.file, active=args.active)))


def _reporting(command: str, run: Callable[[], int]) -> int:
    """Run a rules command; a stored or compared ruleset that does not parse prints its keys, not a traceback."""
    from leadgate_dagster.core.ruleset import RulesetError

    try:
        return run()
    except RulesetError as exc:
        print(f"leadgate rules {command}: {exc}", file=sys.stderr)
        return 1


def diff_rules(a: str, b: str) -> int:
    """Print what changed between two rulesets, each a file path or an activated version."""
    from leadgate_dagster.cli.runtime import prepare
    from leadgate_dagster.core.ruleset import diff_rulesets, load_ruleset
    from leadgate_dagster.store import rulesets as store

    def resolve(ref: str) -> Ruleset:
        if Path(ref).exists():
            return load_ruleset(ref)
        with prepare(dagster=False).engine.connect() as conn:
            found = store.by_version(conn, ref)
        if found is None:
            raise SystemExit(f"leadgate rules diff: {ref!r} is neither a file nor an activated version")
        return found

    lines = diff_rulesets(resolve(a), resolve(b))
    print("\n".join(lines) if lines else "no differences")
    return 0


def activate(path: str, *, reason: str, author: str) -> int:
    from leadgate_dagster.cli.runtime import prepare
    from leadgate_dagster.store import rulesets as store

    runtime = prepare(dagster=False)
    ruleset = _readable_ruleset(path, "activate")
    if isinstance(ruleset, int):
        return ruleset
    with runtime.engine.begin() as conn:
        store.activate(conn, ruleset, author=author, reason=reason)
    print(f"leadgate rules: activated {ruleset.version} ({ruleset.content_hash[:12]})")
    return 0


def show() -> int:
    from leadgate_dagster.cli.runtime import prepare
    from leadgate_dagster.store import rulesets as store

    with prepare(dagster=False).engine.connect() as conn:
        active = store.current(conn)
    print(f"{active.version} {active.content_hash}")
    return 0


def _readable_ruleset(path: str, command: str) -> Ruleset | int:
    """The ruleset file at `path`, or the exit code after saying why not: 1 for keys that do not parse (each
    on its own line, with its line in the file; `check` prints them as its output), 2 for a file that
    cannot be read or is not YAML."""
    import yaml

    from leadgate_dagster.core.ruleset import RulesetError, load_ruleset

    try:
        return load_ruleset(path)
    except RulesetError as exc:
        if command == "check":
            print(exc)
        else:
            print(f"leadgate rules {command}: {path} does not parse:\n{exc}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        print(f"leadgate rules {command}: cannot read {path}: {exc}", file=sys.stderr)
        return 2


def check_rules(path: str | None, *, active: bool) -> int:
    """`leadgate rules check FILE | --active`: "ok: <version> <hash>" (exit 0), else each problem on its own
    line (exit 1); a file that cannot be read or is not YAML exits 2."""
    from leadgate_dagster.core.ruleset import RulesetError

    if active:
        from leadgate_dagster.cli.runtime import prepare
        from leadgate_dagster.store import rulesets as store

        try:
            with prepare(dagster=False).engine.connect() as conn:
                ruleset = store.current(conn)
        except RulesetError as exc:
            print(exc)
            return 1
    else:
        ruleset = _readable_ruleset(path or "", "check")
        if isinstance(ruleset, int):
            return ruleset
    print(f"ok: {ruleset.version} {ruleset.content_hash}")
    return 0
