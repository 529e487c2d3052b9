"""The intake API under load: acknowledgement latency of single leads and batches of 100, and the seconds
from a POST until the lead has its disposition.

    python benchmarks/api_load.py [--rate 50] [--batch-rate 20] [--seconds 20] [--workers 2] [--decide 20]

1. Ack: starts `leadgate serve --workers N` on a temporary LEADGATE_HOME (embedded Postgres) with one API key,
   then sends requests open-loop at `--rate` per second (each at its scheduled time, whether or not the earlier
   ones were answered, so a slow server shows up as latency rather than as a lower rate): single leads at
   `--rate`, then batches of 100 synthetic leads (`synth.py`: realistic, junk, duplicates) at `--batch-rate`.
   Prints p50/p95/p99/max of the time from sending to the 202, and the statuses seen. Each lead costs about
   half a millisecond of CPU (reading, the inline verdict, the insert), so on a 2-core machine batches of 100
   saturate the server somewhere between 20 and 40 requests/s; past that, latency is queueing.
2. Decide: starts `leadgate dev` (API + daemon + sensors), posts `--decide` single leads one after another and
   waits for each one's disposition in Postgres. Prints p50/p95.
The last line is a JSON object of every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from latency import free_port
from synth import HEADER, lead_rows

LEADGATE = str(Path(sys.executable).parent / "leadgate")


def leads(n: int, seed: int) -> list[dict[str, str]]:
    return [dict(zip(HEADER, row, strict=True)) for row in lead_rows(n, seed=seed, prefix=f"s{seed}-")]


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEADGATE_", "DAGSTER_"))}
    return {**env, "LEADGATE_HOME": str(home)}


def wait_ready(base: str, proc: subprocess.Popen[bytes], path: str = "/readyz") -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(base + path, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError("the server did not come up")


def summary(latencies: list[float]) -> dict[str, float]:
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {"n": len(ms), "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "p99_ms": round(q[98], 1),
            "max_ms": round(ms[-1], 1)}


async def open_loop(base: str, key: str, bodies: list[object], rate: float) -> tuple[list[float], Counter[int]]:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=base, headers={"X-API-Key": key}, timeout=30, limits=limits) as client:
        async def one(body: object, at: float) -> None:
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            t0 = time.perf_counter()
            resp = await client.post("/v1/leads", json=body)
            latencies.append(time.perf_counter() - t0)
            statuses[resp.status_code] += 1

        start = time.perf_counter() + 0.5
        await asyncio.gather(*(one(b, start + i / rate) for i, b in enumerate(bodies)))
    return latencies, statuses


def ack_phase(args: argparse.Namespace) -> dict[str, object]:
    home = Path(tempfile.mkdtemp(prefix="lgapi-", dir="/tmp"))
    env = env_for(home)
    key = subprocess.run([LEADGATE, "keys", "add", "bench", "--rate-per-second", "100000"], env=env, check=True,
                         capture_output=True, text=True).stdout.strip()
    port = free_port()
    server = subprocess.Popen([LEADGATE, "serve", "--port", str(port), "--workers", str(args.workers)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, server)
        n = int(args.rate * args.seconds)
        asyncio.run(open_loop(base, key, leads(40, seed=1), 10))  # warm-up: imports, pools, first verdicts
        singles, single_statuses = asyncio.run(open_loop(base, key, leads(n, seed=2), args.rate))
        print(f"single leads at {args.rate:g}/s: {summary(singles)} {dict(single_statuses)}", flush=True)
        batches = [leads(100, seed=100 + i) for i in range(int(args.batch_rate * args.seconds))]
        batch, batch_statuses = asyncio.run(open_loop(base, key, batches, args.batch_rate))
        print(f"batches of 100 at {args.batch_rate:g}/s: {summary(batch)} {dict(batch_statuses)}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)
    return {"rate_per_s": args.rate, "batch_rate_per_s": args.batch_rate, "workers": args.workers, "single": summary(singles),
            "single_statuses": dict(single_statuses), "batch100": summary(batch),
            "batch100_statuses": dict(batch_statuses)}


def decide_phase(args: argparse.Namespace) -> dict[str, object]:
    home = Path(tempfile.mkdtemp(prefix="lgdec-", dir="/tmp"))
    api_port = free_port()
    stack = subprocess.Popen([LEADGATE, "dev", "--port", str(free_port()), "--api-port", str(api_port)],
                             env=env_for(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    base = f"http://127.0.0.1:{api_port}"
    try:
        wait_ready(base, stack)
        engine = sa.create_engine(f"postgresql+psycopg://postgres@/postgres?host={home / 'pgdata'}")

        def decided(lead_id: str) -> bool:
            with engine.connect() as conn:
                return bool(conn.execute(sa.text("SELECT 1 FROM leadgate.dispositions WHERE lead_id = :l"),
                                         {"l": lead_id}).first())

        times = []
        for i, lead in enumerate(leads(args.decide + 3, seed=5000)):
            t0 = time.perf_counter()
            [lead_id] = httpx.post(f"{base}/v1/leads", json=lead, timeout=30).json()["lead_ids"]
            while not decided(lead_id):
                if time.perf_counter() - t0 > 180:
                    raise TimeoutError(f"lead {lead_id} not decided in 180 s")
                time.sleep(0.02)
            if i >= 3:  # the first ones warm the stack (sensors ticking, run workers forked)
                times.append(time.perf_counter() - t0)
                print(f"lead {i - 3}: {times[-1]:.2f}s", flush=True)
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        stack.wait(90)
    q = statistics.quantiles(times, n=20, method="inclusive")
    return {"post_to_disposition_p50_s": round(statistics.median(times), 2), "post_to_disposition_p95_s":
            round(q[18], 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=50, help="requests per second (default 50)")
    parser.add_argument("--batch-rate", type=float, default=20, help="batches of 100 per second (default 20)")
    parser.add_argument("--seconds", type=float, default=20, help="seconds of load per phase (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="`leadgate serve --workers` (default 2)")
    parser.add_argument("--decide", type=int, default=20, help="single leads timed to their disposition; 0: skip")
    args = parser.parse_args()
    figures = ack_phase(args)
    if args.decide:
        figures |= decide_phase(args)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
