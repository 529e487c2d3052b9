"""`leadgate users`: who may sign in to the review console (`leadgate serve`, under /review).

A password is read from the terminal, twice, never from the command line (it would stay in the shell's
history and in `ps`); `--password-stdin` reads one line from standard input for scripts.
"""

from __future__ import annotations

import argparse
import getpass
import sys


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    users = sub.add_parser("users", help="review console users").add_subparsers(
        dest="users_command", required=True, help="what to do")
    add = users.add_parser("add", help="add a user (the password is asked for twice)")
    add.add_argument("name", metavar="NAME", help="the user name; actions are logged as reviewer:NAME")
    add.add_argument("--role", required=True, choices=["reviewer", "admin"],
                     help="reviewer: the queue and its actions; admin: also the users page")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(run=lambda args: add_user(args.name, args.role, from_stdin=args.password_stdin))
    users.add_parser("list", help="the users, their roles and status (never a password)").set_defaults(
        run=lambda args: list_users())
    dis = users.add_parser("disable", help="disable a user; their sessions end at once")
    dis.add_argument("name", metavar="NAME", help="the user to disable")
    dis.set_defaults(run=lambda args: disable(args.name, disabled=True))
    ena = users.add_parser("enable", help="enable a disabled user again")
    ena.add_argument("name", metavar="NAME", help="the user to enable")
    ena.set_defaults(run=lambda args: disable(args.name, disabled=False))
    reset = users.add_parser("reset-password", help="set a new password; the user's sessions end")
    reset.add_argument("name", metavar="NAME", help="the user whose password is set")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    reset.set_defaults(run=lambda args: reset_password(args.name, from_stdin=args.password_stdin))


def _engine():  # type: ignore[no-untyped-def]
    from leadgate_dagster.cli.runtime import prepare

    return prepare(dagster=False).engine


def read_password(*, from_stdin: bool) -> str | None:
    """The new password: one line of stdin, or typed twice at a prompt; None when the two differ."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        print("the two passwords differ", file=sys.stderr)
        return None
    return first


def add_user(name: str, role: str, *, from_stdin: bool) -> int:
    from leadgate_dagster.gate.console_accounts import AccountError
    from leadgate_dagster.gate.console_accounts import add_user as add

    password = read_password(from_stdin=from_stdin)
    if password is None:
        return 2
    try:
        add(_engine(), name, role, password)
    except AccountError as exc:
        print(f"leadgate users add: {exc}", file=sys.stderr)
        return 2
    print(f"{name}: added as {role}")
    return 0


def list_users() -> int:
    from leadgate_dagster.gate.console_accounts import list_users as listing

    print("name\trole\tstatus\tlast sign-in\tsessions")
    for u in listing(_engine()):
        status = f"disabled {u.disabled_at:%Y-%m-%d %H:%M}" if u.disabled_at else "active"
        last = f"{u.last_sign_in_at:%Y-%m-%d %H:%M}" if u.last_sign_in_at else "-"
        print(f"{u.name}\t{u.role}\t{status}\t{last}\t{u.sessions}")
    return 0


def disable(name: str, *, disabled: bool) -> int:
    from leadgate_dagster.gate.console_accounts import AccountError, disable_user

    try:
        ended = disable_user(_engine(), name, disabled=disabled)
    except AccountError as exc:
        print(f"leadgate users: {exc}", file=sys.stderr)
        return 1
    print(f"{name}: disabled ({ended} sessions ended)" if disabled else f"{name}: enabled")
    return 0


def reset_password(name: str, *, from_stdin: bool) -> int:
    from leadgate_dagster.gate.console_accounts import AccountError
    from leadgate_dagster.gate.console_accounts import reset_password as reset

    password = read_password(from_stdin=from_stdin)
    if password is None:
        return 2
    try:
        ended = reset(_engine(), name, password)
    except AccountError as exc:
        print(f"leadgate users reset-password: {exc}", file=sys.stderr)
        return 1 if str(exc).startswith("no user") else 2
    print(f"{name}: password changed ({ended} sessions ended)")
    return 0
