"""The CRM handoff: outbox drain throughput, and seconds from a file landing to its CRM records.

    python benchmarks/crm_outbox.py --database-url postgresql://postgres@127.0.0.1:5432/postgres \
        [--leads 10000] [--latency-ms 50] [--files 20] [--file-leads 10] [--skip-stack]

1. Drain: a throwaway database gets `--leads` routed leads (distinct persons) through every stage of the real
   pipeline, which writes their outbox rows; then one drain (`gate/crm_sync.sync_outbox`, what the sensor's run
   and `leadgate crm sync` do) delivers them to the fake HubSpot-compatible CRM (`tests/fake_crm.py`, in a
   process of its own) answering every call after `--latency-ms`, under the shipped ruleset's limits (100 records per call, 190 calls per
   10 s). Reports the drain's seconds, persons per second, calls, the most calls the CRM saw in any 10 s and
   whether every person has exactly one record. Target (issue 18): 10,000 leads in under 20 s.
2. File drop to CRM record: a `leadgate dev` stack of its own (temporary LEADGATE_HOME, free ports) with
   LEADGATE_CRM_URL set to the fake CRM; `--files` files of `--file-leads` routed leads are dropped one after
   another (each renamed into the inbox once the previous one's records are all in the CRM). Reports p50 / p95 /
   max seconds from the rename to the file's last record. Target: p95 under 10 s.

The last line is a JSON object.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from throwaway_db import throwaway_database

sys.path.insert(0, str(HERE / "data"))
import lead_vocab
from latency import drop, free_port

from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.crm_destinations import open_destinations
from leadgate_dagster.gate.crm_sync import sync_outbox
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.gate.pipeline import run_all_stages
from leadgate_dagster.store.engine import engine_for
from leadgate_dagster.store.intake import claim_batches
from leadgate_dagster.store.migrate import upgrade
from tests.fake_crm import TOKEN, FakeCrm

HEADER = ("First Name,Surname,E-mail Address,Mobile,Company Name,Job Title,Country,SMS Opt-In,Email Opt-In,"
          "Call Opt-In,Consent At,Consent Text Version,Lead ID\n")
AREA_CODES = (415, 650, 408, 510, 925, 707)
TIMEOUT_S = 120


def routed(i: int) -> tuple[str, str]:
    """(CSV row, email) of person `i`: decided ROUTE_SDR under the shipped ruleset (email and voice open); a
    company of its own, so no two persons are ever a fuzzy identity match."""
    first = lead_vocab.FIRST_NAMES[i % len(lead_vocab.FIRST_NAMES)]
    last = lead_vocab.LAST_NAMES[(i // len(lead_vocab.FIRST_NAMES)) % len(lead_vocab.LAST_NAMES)]
    heads, tails = lead_vocab.COMPANY_HEADS, lead_vocab.COMPANY_TAILS
    company = f"{heads[i % len(heads)]} {tails[(i // len(heads)) % len(tails)]} {i // (len(heads) * len(tails)) + 1}"
    email = f"{first}.{last}.{i}@northwind.com".lower().replace(" ", "").replace("'", "")
    phone = f"+1 {AREA_CODES[i // 8000 % len(AREA_CODES)]} 555 {2000 + i % 8000:04d}"
    return (f"{first},{last},{email},{phone},{company},VP Sales,US,yes,yes,yes,2026-01-01T00:00:00Z,v1,"
            f"bench-{i}\n"), email


def lead_file(start: int, n: int) -> tuple[bytes, list[str]]:
    rows = [routed(i) for i in range(start, start + n)]
    return (HEADER + "".join(r for r, _ in rows)).encode(), [e for _, e in rows]


def bench_drain(database_url: str, leads: int, latency_ms: float) -> dict[str, Any]:
    rules = load_ruleset()
    out: dict[str, Any] = {"leads": leads}
    with throwaway_database(database_url, "leadgate_bench_crm") as url:
        engine = engine_for(url)
        upgrade(engine)
        started = time.perf_counter()
        for start in range(0, leads, 5000):
            data, _ = lead_file(start, min(5000, leads - start))
            ingest_bytes(engine, data, filename=f"bench-{start}.csv", source="web", rules=rules)
        while batches := claim_batches(engine, max_events=5000, max_batches=4, lease_seconds=600):
            for batch_id, _ in batches:
                run_all_stages(engine, batch_id, rules)
        out["pipeline_s"] = round(time.perf_counter() - started, 1)
        with engine.connect() as conn:
            out["outbox_rows"] = int(conn.execute(sa.text("SELECT count(*) FROM leadgate.crm_outbox")).scalar_one())
        print(f"seeded: {out}", file=sys.stderr, flush=True)
        with fake_in_process(latency_ms) as url:
            destinations = open_destinations(rules.crm, crm_url=url, crm_token=TOKEN, environ={})
            started = time.perf_counter()
            report = sync_outbox(engine, rules, destinations, max_seconds=600)
            seconds = time.perf_counter() - started
            destinations.close()
            state = httpx.get(f"{url}/_fake/state", timeout=60).json()
        persons = Counter(c.get("leadgate_person_id") for c in state["contacts"])
        out["drain"] = {"s": round(seconds, 2), "persons_per_s": round(report["sent"] / seconds, 1),
                        "sent": report["sent"], "created": report["created"], "calls": len(state["calls"]),
                        "max_calls_in_10s": state["max_calls_in_window"], "violations": len(state["violations"]),
                        "one_record_per_person": len(persons) == report["sent"] and set(persons.values()) == {1}}
    return out


@contextmanager
def fake_in_process(latency_ms: float) -> Iterator[str]:
    """The fake CRM in a process of its own (its JSON work does not share the drain's interpreter lock, as a
    real CRM's would not); yields its URL."""
    port, stop = multiprocessing.Value("i", 0), multiprocessing.Event()
    server = multiprocessing.Process(target=_serve_fake, args=(port, stop, latency_ms), daemon=True)
    server.start()
    while not port.value:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port.value}"
    finally:
        stop.set()
        server.join(10)


def _serve_fake(port: Any, stop: Any, latency_ms: float) -> None:
    with FakeCrm(latency_s=latency_ms / 1000).serving() as url:
        port.value = int(url.rsplit(":", 1)[1])
        stop.wait()


def bench_stack(files: int, file_leads: int, latency_ms: float) -> dict[str, Any]:
    """Seconds from each file's rename into a `leadgate dev` stack's inbox until its last CRM record."""
    home = Path(tempfile.mkdtemp(prefix="lgcrm-", dir="/tmp"))
    inbox = home / "inbox"
    crm = FakeCrm(latency_s=latency_ms / 1000)
    with crm.serving() as url:
        env = {k: v for k, v in os.environ.items() if k not in ("LEADGATE_DATABASE_URL", "DAGSTER_HOME")}
        env |= {"LEADGATE_HOME": str(home), "LEADGATE_CRM_URL": url, "LEADGATE_CRM_TOKEN": TOKEN}
        cmd = [str(Path(sys.executable).parent / "leadgate"), "dev", "--inbox", str(inbox),
               "--port", str(free_port()), "--api-port", str(free_port())]
        stack = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)
        try:
            while not inbox.is_dir():
                time.sleep(0.1)
            data, emails = lead_file(1_000_000, file_leads)
            _, t0, _ = drop(home, inbox, "warmup.csv", data)
            print(f"stack ready, warm-up file in the CRM after {wait_records(crm, emails, t0):.1f}s",
                  file=sys.stderr, flush=True)
            # the stack's embedded server listens on a Unix socket in its data folder
            engine = sa.create_engine(f"postgresql+psycopg://postgres@/postgres?host={home / 'pgdata'}")
            seconds, decided = [], []
            for k in range(files):
                data, emails = lead_file(2_000_000 + k * file_leads, file_leads)
                _, t0, wall = drop(home, inbox, f"single-{k}.csv", data)
                seconds.append(wait_records(crm, emails, t0))
                decided.append(last_decided(engine, emails) - wall)
                print(f"file {k}: {seconds[-1]:.2f}s (decided after {decided[-1]:.2f}s)", file=sys.stderr, flush=True)
            engine.dispose()
        finally:
            os.killpg(stack.pid, signal.SIGTERM)
            stack.wait(60)
    q = statistics.quantiles(seconds, n=20, method="inclusive")
    return {"files": files, "leads_per_file": file_leads, "p50_s": round(statistics.median(seconds), 2),
            "p95_s": round(q[18], 2), "max_s": round(max(seconds), 2), "violations": len(crm.violations),
            "decided_p50_s": round(statistics.median(decided), 2),
            "decided_to_crm_p50_s": round(statistics.median(s - d for s, d in zip(seconds, decided, strict=True)), 2)}


def last_decided(engine: sa.Engine, emails: list[str]) -> float:
    """Wall-clock time of the last of these leads' current decisions."""
    with engine.connect() as conn:
        return float(conn.execute(sa.text("""
            SELECT extract(epoch FROM max(d.decided_at)) FROM leadgate.leads l
            JOIN leadgate.dispositions d ON d.lead_id = l.lead_id AND d.is_current
            WHERE l.email_normalized = ANY(:e)"""), {"e": emails}).scalar_one())


def wait_records(crm: FakeCrm, emails: list[str], t0: float) -> float:
    wanted = set(emails)
    while time.perf_counter() - t0 < TIMEOUT_S:
        if wanted <= {str(c.get("email", "")).lower() for c in crm.contacts()}:
            return time.perf_counter() - t0
        time.sleep(0.05)
    raise TimeoutError(f"{len(wanted)} records not in the CRM within {TIMEOUT_S}s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a server to create a throwaway database on")
    parser.add_argument("--leads", type=int, default=10_000, help="routed leads to drain (default 10,000)")
    parser.add_argument("--latency-ms", type=float, default=50, help="the fake CRM's answer time (default 50)")
    parser.add_argument("--files", type=int, default=20, help="files dropped into the dev stack (default 20)")
    parser.add_argument("--file-leads", type=int, default=10, help="routed leads per dropped file (default 10)")
    parser.add_argument("--skip-stack", action="store_true", help="only the drain (no leadgate dev stack)")
    args = parser.parse_args()
    out = bench_drain(args.database_url, args.leads, args.latency_ms)
    print(f"drain: {out['drain']}", file=sys.stderr, flush=True)
    if not args.skip_stack:
        out["file_to_crm"] = bench_stack(args.files, args.file_leads, args.latency_ms)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
