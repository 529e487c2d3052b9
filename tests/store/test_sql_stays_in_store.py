"""All SQL lives in `leadgate_dagster/store/`: no module outside it builds a statement or runs one.

The rest of the package passes connections and typed values to store functions; it may open transactions
(`engine.begin()`) and name `sa.Engine` / `sa.Connection` in signatures, nothing more.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import leadgate_dagster

PACKAGE = Path(leadgate_dagster.__file__).parent
BUILDERS = frozenset({"select", "insert", "update", "delete", "text", "func", "bindparam", "literal_column",
                      "exists", "union", "union_all"})
RUNNERS = frozenset({"execute", "exec_driver_sql"})


def sql_in(source: str) -> list[tuple[int, str]]:
    """(line, what) for each SQL statement built or run in this module's source."""
    tree = ast.parse(source)
    modules: set[str] = set()  # local names bound to sqlalchemy or one of its submodules
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {a.asname or a.name.split(".")[0] for a in node.names
                        if a.name.split(".")[0] == "sqlalchemy"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            for a in node.names:
                if a.name in BUILDERS:
                    found.append((node.lineno, f"imports {a.name} from {node.module}"))
                elif importlib.util.find_spec(f"{node.module}.{a.name}") is not None:  # a submodule
                    modules.add(a.asname or a.name)
    for node in ast.walk(tree):
        builder = isinstance(node, ast.Attribute) and node.attr in BUILDERS and _root(node) in modules
        if builder or (isinstance(node, ast.Attribute | ast.Name) and _name(node).startswith("read_sql")):
            found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                node.func.attr in RUNNERS):
            found.append((node.lineno, f"{ast.unparse(node.func)}()"))
    return sorted(set(found))


def _name(node: ast.Attribute | ast.Name) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id


def _root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def sql_outside_store(package: Path) -> list[str]:
    return [f"{path.relative_to(package.parent)}:{line}: {what}"
            for path in sorted(package.rglob("*.py")) if "store" not in path.relative_to(package).parts[:1]
            for line, what in sql_in(path.read_text("utf-8"))]


def test_no_module_outside_the_store_builds_or_runs_sql() -> None:
    found = sql_outside_store(PACKAGE)
    assert not found, "SQL outside leadgate_dagster/store/ (move it into a store function):\n" + "\n".join(
        found)


def test_the_scan_sees_each_way_of_writing_sql_and_nothing_else() -> None:
    source = '''
import pandas as pd
import sqlalchemy as sa
import sqlalchemy
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine, make_url

def bad(conn: sa.Connection) -> None:
    conn.execute(sa.text("SELECT 1"))
    sa.select(1)
    sqlalchemy.delete(t)
    sa.func.now()
    postgresql.insert(t)
    pd.read_sql("SELECT 1", conn)
    conn.exec_driver_sql("SELECT 1")

def fine(engine: sa.Engine, e: Engine) -> None:
    with engine.begin() as conn:
        store_function(conn, ids=[1, 2])
    make_url("postgresql://x").render_as_string(hide_password=True)
    sa.engine.make_url("postgresql://x")
    context.instance.execute_in_process()
'''
    assert sorted({line for line, _ in sql_in(source)}) == [5, 6, 11, 12, 13, 14, 15, 16, 17]
