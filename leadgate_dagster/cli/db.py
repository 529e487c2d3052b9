"""`leadgate db`: the database leadgate runs on."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply leadgate's migrations (demo and dev do this themselves)").set_defaults(
        run=lambda args: upgrade())


def shown_url(url: str) -> str:
    """A database URL to print, its password masked."""
    import sqlalchemy as sa

    return sa.engine.make_url(url).render_as_string(hide_password=True)


def upgrade() -> int:
    from leadgate_dagster.runtime import prepare

    runtime = prepare(dagster=False)
    print(f"leadgate: migrations applied to {shown_url(runtime.database_url)}")
    return 0
