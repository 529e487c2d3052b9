"""The review console's queue page with 10,000 or 100,000 open items: the server time of GET /review.

    python benchmarks/console_queue.py --database-url postgresql://postgres@127.0.0.1:5432/postgres \
        [--items 100000] [--seed-leads 20000] [--probes 200]

The queue is seeded as `review_queue.py` seeds it (synthetic leads through the real pipeline, the held ones
copied until `--items` are held, their items opened by the queue's catch-up, ages spread over three hours).
Then a signed-in reviewer asks for the queue page through the app in process (session lookup, the page's
queries, the template: everything but the network), `--probes` times, cycling through no filter, each
filter (kind, source, reason, age, assignee), and pages 2, 20 and 200. p50 / p95 / max; target (issue 16):
p95 < 300 ms at 10,000 open items. Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from review_queue import _sync_all, copy_held, percentiles, rules, seed_pipeline, spread_ages
from throwaway_db import throwaway_database

from leadgate_dagster.gate.console_accounts import add_user
from leadgate_dagster.store.engine import engine_for
from leadgate_dagster.store.migrate import upgrade

QUERIES = ({}, {"kind": "quarantine"}, {"source": "webinar"}, {"reason": "CONSENT_UNKNOWN"}, {"age": "1h"},
           {"assignee": "none"}, {"page": 2}, {"page": 20}, {"page": 200}, {"kind": "merge_candidate"})


def bench_page(url: str, probes: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    os.environ["LEADGATE_DATABASE_URL"] = url
    os.environ.setdefault("LEADGATE_SESSION_SECRET", "bench")
    from leadgate_dagster.api.app import app

    add_user(engine_for(url), "bench", "reviewer", "a long enough password")
    client = TestClient(app, base_url="http://127.0.0.1")
    form = client.get("/review/sign-in").text
    token = re.search(r'name="sign_in_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    client.post("/review/sign-in", data={"name": "bench", "password": "a long enough password",
                                         "sign_in_token": token})
    first = client.get("/review")
    assert first.status_code == 200 and "items, 1–50 shown" in first.text, first.text[:500]
    seconds = []
    for i in range(probes):
        start = time.perf_counter()
        answer = client.get("/review", params=QUERIES[i % len(QUERIES)])
        seconds.append(time.perf_counter() - start)
        assert answer.status_code == 200
    total = re.search(r"([\d,]+) items?", first.text)
    return {**percentiles(seconds), "shown_total": total.group(1) if total else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a server to create a throwaway database on")
    parser.add_argument("--items", type=int, default=100_000, help="open items to reach (default 100,000)")
    parser.add_argument("--seed-leads", type=int, default=20_000, help="leads through the pipeline first")
    parser.add_argument("--probes", type=int, default=200, help="queue pages measured")
    args = parser.parse_args()
    out: dict[str, Any] = {}
    with throwaway_database(args.database_url, "leadgate_bench_console") as url:
        engine = engine_for(url)
        upgrade(engine)
        ruleset = rules()
        seed_pipeline(engine, args.seed_leads, ruleset)
        copy_held(engine, args.items)
        _sync_all(engine, ruleset, datetime.now(UTC))
        spread_ages(engine)
        with engine.connect() as conn:
            out["open_items"] = int(conn.execute(sa.text(
                "SELECT count(*) FROM leadgate.review_items WHERE status IN ('open', 'in_progress')")).scalar_one())
        print(f"seeded: {out}", file=sys.stderr, flush=True)
        out["queue_page"] = bench_page(url, args.probes)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
