"""Scale of identity resolution: `leadgate dedupe` throughput on large files, and the latency of matching one
new lead against a graph of many persons in Postgres (the pipeline's incremental path, single-lead batches).

    python benchmarks/dedup_scale.py --database-url postgresql://postgres@127.0.0.1:5432/postgres \
        [--sizes 100000,1000000] [--graph 200000] [--singles 200] [--workers N]

Files are the labelled generator's people scaled up (one generator run per ~5,000 records with its own seed
and id prefix, so companies and people do not collide across runs). `dedupe` runs as a child process: wall
time, its peak RSS, its largest worker's (`--workers`) and the process tree's peak PSS. The graph is built
with COPY into a throwaway database (leads, lead_keys, persons, lead_person) from generated records and
vacuumed, then single-lead batches go through `identity_stage` (the first ten warm the process, unmeasured,
and what is loaded is then frozen out of the garbage collector, as in leadgate's run workers):
"match" is finding the lead's place (candidates from the indexes, comparisons, model, plan), "stage" adds
writing it (links, keys, merges, review items, golden record). Last line: JSON.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent / "data"))
from make_leads_labelled import COLUMNS, generate

ROOT = Path(__file__).resolve().parent.parent
CHUNK_PEOPLE, CHUNK_COMPANIES = 2200, 400  # ~5,000 records per generator run
WARMUP = 10  # single-lead probes run before the measured ones


def records(n: int, seed: int = 1) -> pd.DataFrame:
    """n labelled-style records from independent generator runs (ids and people prefixed per run)."""
    frames, total, run = [], 0, 0
    while total < n:
        rows = pd.DataFrame(generate(seed * 10_000 + run, CHUNK_PEOPLE, CHUNK_COMPANIES), columns=list(COLUMNS))
        rows["id"] = f"R{run}_" + rows["id"]
        rows["true_person"] = f"R{run}_" + rows["true_person"]
        for col in ("email", "website"):  # distinct companies per run: suffix the domains
            rows[col] = rows[col].str.replace(r"\.(com|io|net|org|co\.uk|de)\b", rf"{run}.\1", regex=True)
        frames.append(rows)
        total += len(rows)
        run += 1
    return pd.concat(frames, ignore_index=True).head(n)


def bench_dedupe(n: int, workdir: Path, workers: int | None = None) -> dict[str, float]:
    """Wall time and memory of `leadgate dedupe` on n records. Memory: the dedupe process's own peak RSS, its
    largest worker's peak RSS (forked workers share the parent's pages, so the two must not be added up), and
    the peak of the whole process tree's PSS (shared pages counted once, sampled every 0.2 s): the memory the
    run really took."""
    src = workdir / f"leads_{n}.csv"
    records(n).drop(columns=["true_person"]).to_csv(src, index=False, quoting=csv.QUOTE_MINIMAL)
    code = ("import resource, sys; from leadgate_dagster.cli import main; rc = main(sys.argv[1:]); "
            "print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(rc)")
    args = ["dedupe", str(src), "--out", str(workdir / "out.csv"), "--id-column", "id"]
    args += ["--workers", str(workers)] if workers else []
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    peak_pss_kb = 0
    while proc.poll() is None:
        peak_pss_kb = max(peak_pss_kb, _tree_pss_kb(proc.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - start
    stdout = proc.stdout.read() if proc.stdout else ""
    if proc.returncode:
        raise RuntimeError(f"leadgate dedupe exited {proc.returncode}")
    line = next(ln for ln in stdout.splitlines() if ln.startswith("MAXRSS"))
    rss_kb, workers_kb = (int(v) for v in line.split()[1:])
    return {"records": n, "wall_s": round(wall, 1), "peak_rss_mb": round(rss_kb / 1024),
            "peak_worker_rss_mb": round(workers_kb / 1024), "peak_tree_pss_mb": round(peak_pss_kb / 1024),
            "records_per_s": round(n / wall)}


def _tree_pss_kb(pid: int) -> int:
    """Proportional set size of a process and its descendants (Linux /proc), 0 for what has gone."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(_tree_pss_kb(int(c)) for c in children)


def build_graph(engine: sa.Engine, n: int) -> pd.DataFrame:
    """COPY n generated leads into the graph as already-resolved (one person per true person); returns the
    records held back for the single-lead probes."""
    from leadgate_dagster.core.identity import IdentitySettings
    from leadgate_dagster.core.identity.clustering import person_id
    from leadgate_dagster.core.identity.keys import build_keys
    from leadgate_dagster.core.ruleset import load_ruleset
    from leadgate_dagster.store import identity
    from leadgate_dagster.store.bulk import copy_rows

    recs = records(n + 1000, seed=2)
    graph, probes = recs.iloc[:n].copy(), recs.iloc[n:].copy()
    graph.index = graph["id"]
    settings = IdentitySettings.from_ruleset(load_ruleset())
    keys = build_keys(graph, settings)
    firsts = graph.groupby("true_person")["id"].first()
    person_of = graph["true_person"].map(firsts.map(person_id))
    fields = [c for c in identity.IDENTITY_FIELDS if c in graph.columns]
    now = pd.Timestamp.now(tz="UTC").to_pydatetime()
    with engine.begin() as conn:
        copy_rows(conn, "leads", ["lead_id", "batch_id", "channel", "received_at", "source", *fields],
                  ((i, "graph", "file", now, "bench", *(None if pd.isna(v) else v for v in row))
                   for i, row in zip(graph["id"], graph[fields].itertuples(index=False), strict=False)))
        copy_rows(conn, "persons", ("person_id", "first_lead_id"), zip(firsts.map(person_id), firsts, strict=False))
        copy_rows(conn, "lead_person", ("lead_id", "person_id", "decision"),
                  zip(graph["id"], person_of, ["new"] * len(graph), strict=False))
        identity.write_keys(conn, keys, person_of, settings.shared_key_max_names)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))  # what autovacuum leaves after a bulk load: hint bits, statistics
        conn.execute(sa.text("CHECKPOINT"))  # and its writes done, not competing with the measured lookups
    return probes


def bench_incremental(url: str, graph_size: int, singles: int) -> dict[str, float]:
    from leadgate_dagster.core.ruleset import load_ruleset
    from leadgate_dagster.gate.identity import identity_stage
    from leadgate_dagster.store import identity
    from leadgate_dagster.store.bulk import copy_rows
    from leadgate_dagster.store.engine import engine_for
    from leadgate_dagster.store.migrate import upgrade

    engine = engine_for(url)
    upgrade(engine)
    t0 = time.perf_counter()
    probes = build_graph(engine, graph_size)
    build_s = time.perf_counter() - t0
    rules = load_ruleset()
    fields = [c for c in identity.IDENTITY_FIELDS if c in probes.columns]
    times: list[float] = []
    match: list[float] = []
    for i, row in enumerate(probes.head(WARMUP + singles).itertuples(index=False)):
        batch_id = f"single-{i}"
        values = [getattr(row, c) for c in fields]
        with engine.begin() as conn:
            copy_rows(conn, "leads", ["lead_id", "batch_id", "channel", "received_at", "source", *fields],
                      [(row.id, batch_id, "api", pd.Timestamp.now(tz="UTC").to_pydatetime(), "bench",
                        *(None if pd.isna(v) else v for v in values))])
        start = time.perf_counter()
        stats = identity_stage(engine, batch_id, rules)
        if i == WARMUP - 1:
            gc.freeze()  # as leadgate's run workers do (run_launcher.py): full collections skip what is loaded
        if i >= WARMUP:  # the first singles load the model, name tables and caches: once per process
            times.append((time.perf_counter() - start) * 1000)
            match.append(stats["match_ms"])
    return {"graph_leads": graph_size, "graph_build_s": round(build_s, 1), "singles": len(times),
            "stage_p50_ms": _pct(times, 0.5), "stage_p99_ms": _pct(times, 0.99),
            "match_p50_ms": _pct(match, 0.5), "match_p99_ms": _pct(match, 0.99)}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[int(q * (len(ordered) - 1))], 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a server to create a throwaway database on")
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--graph", type=int, default=100_000)
    parser.add_argument("--singles", type=int, default=200)
    parser.add_argument("--workers", type=int, help="dedupe's --workers (default: dedupe's own)")
    args = parser.parse_args(argv)
    result: dict[str, object] = {"dedupe": []}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",") if s):
            result["dedupe"].append(bench_dedupe(n, Path(tmp), args.workers))  # type: ignore[attr-defined]
            print(result["dedupe"][-1], flush=True)  # type: ignore[index]
    if args.graph:
        from leadgate_dagster.settings import with_driver

        server = with_driver(args.database_url, "psycopg")
        name = f"leadgate_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
            result["incremental"] = bench_incremental(url, args.graph, args.singles)
        finally:
            from leadgate_dagster.store.engine import engine_for

            engine_for(url).dispose()
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    result["peak_rss_self_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
