"""COPY-based bulk writes: a batch of 100k leads is a few statements, not 100k round trips."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from psycopg.types.json import Jsonb

from leadgate_dagster.store.tables import SCHEMA


def _adapt(value: Any) -> Any:
    if isinstance(value, dict):
        return Jsonb(value)
    if isinstance(value, float) and value != value:  # NaN from pandas means "no value"
        return None
    return value


def copy_rows(conn: sa.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY `rows` into `table` (schema-qualified unless it is a temp table name starting with `tmp_`)."""
    target = table if table.startswith("tmp_") else f'{SCHEMA}."{table}"'
    cols = ", ".join(f'"{c}"' for c in columns)
    raw = conn.connection.driver_connection
    n = 0
    with raw.cursor() as cur, cur.copy(f"COPY {target} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_adapt(v) for v in row])
            n += 1
    return n


def update_from_rows(
    conn: sa.Connection, table: str, key: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """UPDATE `table` SET columns FROM the rows (first value of each row is `key`), via a COPYed temp table."""
    tmp = f"tmp_{table}_upd"
    all_cols = [key, *columns]
    conn.execute(sa.text(f'DROP TABLE IF EXISTS {tmp}'))
    conn.execute(sa.text(
        f'CREATE TEMP TABLE {tmp} ON COMMIT DROP AS SELECT {", ".join(all_cols)} '
        f'FROM {SCHEMA}."{table}" WITH NO DATA'))
    copy_rows(conn, tmp, all_cols, rows)
    sets = ", ".join(f'"{c}" = t."{c}"' for c in columns)
    return conn.execute(sa.text(
        f'UPDATE {SCHEMA}."{table}" AS d SET {sets} FROM {tmp} AS t WHERE d."{key}" = t."{key}"')).rowcount
