"""Seconds from a file landing in the inbox until all its leads have a disposition in Postgres.

    python benchmarks/latency.py [--singles 10] [--burst 8] [--leads 50]

Starts a `leadgate dev` stack of its own (temporary LEADGATE_HOME, inbox, free ports: a developer's stack is
never disturbed), waits until it is ready (a warm-up file went through, so the sensors have ticked), drops
files one after another (each written elsewhere and renamed into the inbox, the next after the previous is
done), then a burst at once; stops the stack; prints where the singles' time went (intake, run creation,
process start, stages, run end). The last line is a JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import csv_bytes, lead_rows

TIMEOUT_S = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def disposed(engine: sa.Engine, file_id: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("""
            SELECT count(*) FROM leadgate.intake_events e
            JOIN leadgate.dispositions d ON d.lead_id = e.lead_id AND d.is_current WHERE e.file_id = :f
        """), {"f": file_id}).scalar_one()


def wait_disposed(engine: sa.Engine, file_id: str, n: int, t0: float) -> float:
    while time.perf_counter() - t0 < TIMEOUT_S:
        try:
            if disposed(engine, file_id) >= n:
                return time.perf_counter() - t0
        except sa.exc.OperationalError:
            pass  # the server is still starting
        time.sleep(0.05)
    raise TimeoutError(f"file {file_id[:12]} not disposed within {TIMEOUT_S}s")


def breakdown(engine: sa.Engine, landed: dict[str, float]) -> dict[str, list[float]]:
    """Where each single file's time went, from the stack's own records: the file landed in the inbox (wall
    clock of the rename) -> intake (the sensor stored its events) -> the run was created -> it started (a
    forked worker imported the code) -> the last disposition was committed -> the run ended (checks, event
    writes)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text("""
            SELECT e.file_id, extract(epoch FROM min(e.received_at)) AS received,
                   extract(epoch FROM min(r.create_timestamp) AT TIME ZONE 'UTC') AS created,
                   min(r.start_time) AS started, extract(epoch FROM max(d.decided_at)) AS decided,
                   max(r.end_time) AS ended
            FROM leadgate.intake_events e
            JOIN leadgate.dispositions d ON d.lead_id = e.lead_id AND d.is_current
            JOIN public.run_tags t ON t.key = 'dagster/partition' AND t.value = e.batch_id
            JOIN public.runs r ON r.run_id = t.run_id
            WHERE e.file_id = ANY(:ids) GROUP BY e.file_id
        """), {"ids": list(landed)}).all()
    out: dict[str, list[float]] = {"landing -> intake": [], "intake -> run created": [],
                                   "run created -> started": [], "started -> dispositions": [],
                                   "dispositions -> run ended": []}
    for r in rows:
        for (name, a, b) in zip(out, (landed[r.file_id], r.received, r.created, r.started, r.decided),
                                (r.received, r.created, r.started, r.decided, r.ended), strict=True):
            out[name].append(float(b) - float(a))
    return out


def timeline(engine: sa.Engine, file_id: str) -> list[str]:
    """The event log of the run that processed one file, in seconds from the run's creation."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text("""
            SELECT extract(epoch FROM l.timestamp - r.create_timestamp) AS secs, l.dagster_event_type AS kind,
                   l.event::json ->> 'user_message' AS message
            FROM public.runs r JOIN public.run_tags t ON t.run_id = r.run_id AND t.key = 'dagster/partition'
            JOIN public.event_logs l ON l.run_id = r.run_id
            WHERE t.value = (SELECT batch_id FROM leadgate.intake_events WHERE file_id = :f LIMIT 1)
            ORDER BY l.id
        """), {"f": file_id}).all()
    return [f"{float(r.secs):7.3f}s {r.kind or 'log'}: {(r.message or '')[:90]}" for r in rows]


def drop(home: Path, inbox: Path, name: str, data: bytes) -> tuple[str, float, float]:
    """Write the file elsewhere and rename it into the inbox; (its sha256, perf_counter and wall clock at the
    rename)."""
    staging = home / "staging" / name
    staging.parent.mkdir(exist_ok=True)
    staging.write_bytes(data)
    old = time.time() - 1  # fully written before it appears: mark it settled
    os.utime(staging, (old, old))
    t0, wall = time.perf_counter(), time.time()
    os.rename(staging, inbox / name)
    return hashlib.sha256(data).hexdigest(), t0, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--singles", type=int, default=10)
    parser.add_argument("--burst", type=int, default=8)
    parser.add_argument("--leads", type=int, default=50)
    parser.add_argument("--trace", action="store_true", help="print the event log of the last single file's run")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="lglat-", dir="/tmp"))
    inbox = home / "inbox"
    env = {k: v for k, v in os.environ.items() if k not in ("LEADGATE_DATABASE_URL", "DAGSTER_HOME")}
    env["LEADGATE_HOME"] = str(home)
    cmd = [str(Path(sys.executable).parent / "leadgate"), "dev", "--inbox", str(inbox),
           "--port", str(free_port()), "--api-port", str(free_port())]
    stack = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    files = iter(range(10_000))

    def data() -> bytes:
        k = next(files)
        return csv_bytes(lead_rows(args.leads, seed=1000 + k, prefix=f"f{k}-"))

    try:
        # the stack's embedded server listens on a Unix socket in its data folder
        engine = sa.create_engine(f"postgresql+psycopg://postgres@/postgres?host={home / 'pgdata'}")
        started = time.perf_counter()
        while not inbox.is_dir():
            time.sleep(0.1)
        file_id, t0, _ = drop(home, inbox, "warmup.csv", data())
        wait_disposed(engine, file_id, args.leads, t0)
        print(f"stack ready in {time.perf_counter() - started:.1f}s")
        singles, landed = [], {}
        for i in range(args.singles):
            file_id, t0, landed[file_id] = drop(home, inbox, f"single-{i}.csv", data())
            singles.append(wait_disposed(engine, file_id, args.leads, t0))
            print(f"single {i}: {singles[-1]:.2f}s")
        dropped = [drop(home, inbox, f"burst-{i}.csv", data()) for i in range(args.burst)]
        burst = [wait_disposed(engine, fid, args.leads, t0) for fid, t0, _ in dropped]
        print("burst: " + ", ".join(f"{b:.2f}s" for b in burst))
        phases = breakdown(engine, landed)
        trace = timeline(engine, file_id) if args.trace else []
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        stack.wait(60)
    print(*trace, sep="\n")
    for name, values in phases.items():
        print(f"{name}: median {statistics.median(values):.2f}s, max {max(values):.2f}s")
    q = statistics.quantiles(singles, n=20, method="inclusive")
    print(json.dumps({"single_p50_s": round(statistics.median(singles), 2), "single_p95_s": round(q[18], 2),
                      "burst_median_s": round(statistics.median(burst), 2), "burst_max_s": round(max(burst), 2)}))


if __name__ == "__main__":
    main()
