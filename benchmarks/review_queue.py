"""The review queue at 100,000 open items: each job's run time, `review list` p95 and an action's p95.

    python benchmarks/review_queue.py --database-url postgresql://postgres@127.0.0.1:5432/postgres \
        [--items 100000] [--seed-leads 20000] [--probes 200]

A throwaway database gets `--seed-leads` synthetic leads (`synth.py`, four sources) through every stage of the
real pipeline; the held leads among them (with their checks and decisions) are then copied under new ids until
`--items` leads are held, and the queue's catch-up opens their items (created over the last three hours).
Then, in this order, with the clock passed in as the jobs take it:

- `review list` (`gate/review_read.list_queue`, what the CLI and the API call), `--probes` calls cycling
  through no filter, --kind, --source, --reason, --status, --assignee; p50 / p95 / max;
- an action (`gate/review_actions.act`): `--probes` calls on distinct items cycling through assign, verify,
  reject, route and adjust_score; p50 / p95 / max;
- the queue job (`run_queue`) at +1 minute (priorities, the hopeless items' fallback), at +4 h (every item
  escalated), at +24 h (every fallback), at +10 days (expiry); the recheck job's held-lead step (one run,
  `review.recheck.leads_per_run` leads validated and decided again) at +6 h.

Targets (issue 15): every job under 60 s, list p95 under 300 ms, an action p95 under 200 ms. Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import synth
from throwaway_db import throwaway_database

from leadgate_dagster.core.review.actions import Action, ActionRequest
from leadgate_dagster.core.ruleset import Ruleset, ruleset_from_body
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.gate.mx import mx_lookup_for
from leadgate_dagster.gate.pipeline import run_all_stages
from leadgate_dagster.gate.recheck_held import recheck_held
from leadgate_dagster.gate.review_actions import act
from leadgate_dagster.gate.review_queue import run_queue
from leadgate_dagster.gate.review_read import ListFilter, list_queue
from leadgate_dagster.gate.review_sync import sync_held
from leadgate_dagster.store.engine import engine_for
from leadgate_dagster.store.intake import claim_batches
from leadgate_dagster.store.migrate import upgrade
from leadgate_dagster.store.tables import dispositions, lead_checks, leads

SOURCES = ("web_form", "api", "webinar", "partner")


def rules() -> Ruleset:
    """The shipped ruleset; the recheck also takes offline-unverified domains, so its step has work."""
    from leadgate_dagster.core.ruleset import load_ruleset

    body = load_ruleset().body
    body["version"] = "bench-review"
    body["review"]["recheck"]["codes"] = [*body["review"]["recheck"]["codes"], "EMAIL_DOMAIN_UNVERIFIED"]
    return ruleset_from_body(body)


def seed_pipeline(engine: sa.Engine, n: int, ruleset: Ruleset) -> None:
    per = n // len(SOURCES)
    for i, source in enumerate(SOURCES):
        data = synth.csv_bytes(synth.lead_rows(per, seed=100 + i, prefix=f"{source}-"))
        ingest_bytes(engine, data, filename=f"{source}.csv", source=source, rules=ruleset)
    while batches := claim_batches(engine, max_events=5000, max_batches=4, lease_seconds=600):
        for batch_id, _ in batches:
            run_all_stages(engine, batch_id, ruleset)


def copy_held(engine: sa.Engine, target: int) -> int:
    """Copy the held leads (lead, checks, current decision) under new ids until `target` leads are held."""
    def cols(table: sa.Table, skip: tuple[str, ...] = ()) -> list[str]:
        return [c.name for c in table.columns if c.name not in skip]

    with engine.begin() as conn:
        held = conn.execute(sa.text("SELECT count(*) FROM leadgate.dispositions "
                                    "WHERE is_current AND disposition = 'QUARANTINE_REVIEW'")).scalar_one()
        copies = max(0, -(-(target - held) // max(held, 1)))
        lead_cols, check_cols = cols(leads, ("lead_id",)), cols(lead_checks, ("lead_id",))
        decision_cols = cols(dispositions, ("disposition_id", "lead_id", "decided_at"))
        held_ids = "SELECT lead_id FROM leadgate.dispositions WHERE is_current AND disposition = 'QUARANTINE_REVIEW'"
        for table, columns in (("leads", lead_cols), ("lead_checks", check_cols)):
            listed = ", ".join(f'"{c}"' for c in columns)
            conn.execute(sa.text(f"""
                INSERT INTO leadgate.{table} (lead_id, {listed})
                SELECT t.lead_id || '~' || g, {", ".join(f't."{c}"' for c in columns)}
                FROM leadgate.{table} t CROSS JOIN generate_series(1, :k) g
                WHERE t.lead_id IN ({held_ids})"""), {"k": copies})
        listed = ", ".join(decision_cols)
        conn.execute(sa.text(f"""
            INSERT INTO leadgate.dispositions (lead_id, {listed})
            SELECT d.lead_id || '~' || g, {", ".join(f"d.{c}" for c in decision_cols)}
            FROM leadgate.dispositions d CROSS JOIN generate_series(1, :k) g
            WHERE d.is_current AND d.disposition = 'QUARANTINE_REVIEW'"""), {"k": copies})
        conn.execute(sa.text("ANALYZE"))
        return int(conn.execute(sa.text("SELECT count(*) FROM leadgate.dispositions "
                                        "WHERE is_current AND disposition = 'QUARANTINE_REVIEW'")).scalar_one())


def spread_ages(engine: sa.Engine, seed: int = 7) -> None:
    """Items created over the last three hours (deterministically), their due times with them."""
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT setseed(:s)"), {"s": seed / 100})
        conn.execute(sa.text("""
            UPDATE leadgate.review_items SET
              created_at = created_at - d, due_at = due_at - d, fallback_at = fallback_at - d,
              expires_at = expires_at - d
            FROM (SELECT review_id, random() * interval '3 hours' AS d FROM leadgate.review_items) s
            WHERE s.review_id = review_items.review_id"""))
        conn.execute(sa.text("ANALYZE leadgate.review_items"))


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {"p50_ms": round(statistics.median(ms), 1), "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1),
            "max_ms": round(ms[-1], 1), "n": len(ms)}


def bench_list(engine: sa.Engine, probes: int) -> dict[str, float]:
    filters = [ListFilter(), ListFilter(kind="quarantine"), ListFilter(source="webinar"),
               ListFilter(reason="CONSENT_UNKNOWN"), ListFilter(statuses=("in_progress",)),
               ListFilter(assignee="reviewer:bench"), ListFilter(kind="merge_candidate", limit=200)]
    list_queue(engine, ListFilter())  # a warm connection pool, as a running API has
    chosen = [filters[i % len(filters)] for i in range(probes)]
    return percentiles([timed(lambda f=f: list_queue(engine, f))[0] for f in chosen])


def bench_actions(engine: sa.Engine, ruleset: Ruleset, probes: int) -> dict[str, float]:
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(sa.text(
            "SELECT review_id FROM leadgate.review_items WHERE kind = 'quarantine' AND status = 'open' "
            "ORDER BY md5(review_id::text) LIMIT :n"), {"n": probes})]
    requests = [ActionRequest(Action.ASSIGN, "reviewer:bench"), ActionRequest(Action.VERIFY, "reviewer:bench"),
                ActionRequest(Action.REJECT, "reviewer:bench"),
                ActionRequest(Action.ROUTE, "reviewer:bench", to="NURTURE_EMAIL_ONLY", note="bench"),
                ActionRequest(Action.ADJUST_SCORE, "reviewer:bench", delta=5, note="bench")]
    return percentiles([timed(lambda rid=rid, i=i: act(engine, rid, requests[i % len(requests)], rules=ruleset))[0]
                        for i, rid in enumerate(ids)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a server to create a throwaway database on")
    parser.add_argument("--items", type=int, default=100_000, help="open items to reach (default 100,000)")
    parser.add_argument("--seed-leads", type=int, default=20_000, help="leads through the pipeline first")
    parser.add_argument("--probes", type=int, default=200, help="list calls and actions measured")
    args = parser.parse_args()
    out: dict[str, Any] = {}
    with throwaway_database(args.database_url, "leadgate_bench_review") as url:
        engine = engine_for(url)
        upgrade(engine)
        ruleset = rules()
        out["seed_pipeline_s"] = round(timed(lambda: seed_pipeline(engine, args.seed_leads, ruleset))[0], 1)
        out["held_leads"] = copy_held(engine, args.items)
        t0 = datetime.now(UTC)
        seconds, (opened, _) = timed(lambda: _sync_all(engine, ruleset, t0))
        out["catch_up_sync"] = {"s": round(seconds, 2), "items_opened": opened}
        spread_ages(engine)
        with engine.connect() as conn:
            out["open_items"] = int(conn.execute(sa.text(
                "SELECT count(*) FROM leadgate.review_items WHERE status IN ('open', 'in_progress')")).scalar_one())
        print(f"seeded: {out}", file=sys.stderr, flush=True)
        out["review_list"] = bench_list(engine, args.probes)
        out["action"] = bench_actions(engine, ruleset, args.probes)
        print(f"list {out['review_list']}, action {out['action']}", file=sys.stderr, flush=True)
        jobs: dict[str, Any] = {}
        for label, delta in (("queue_job_+1min", timedelta(minutes=1)), ("queue_job_+4h", timedelta(hours=4)),
                             ("recheck_job_held_+6h", None), ("queue_job_+24h", timedelta(hours=24)),
                             ("queue_job_+10d", timedelta(days=10))):
            if delta is None:
                seconds, report = timed(lambda: recheck_held(engine, ruleset, mx_lookup_for(engine, ruleset),
                                                             now=t0 + timedelta(hours=6)))
            else:
                seconds, report = timed(lambda d=delta: run_queue(engine, ruleset, t0 + d))
            jobs[label] = {"s": round(seconds, 2), **{k: v for k, v in report.items() if isinstance(v, int) and v}}
            print(f"{label}: {jobs[label]}", file=sys.stderr, flush=True)
        out["jobs"] = jobs
    print(json.dumps(out))
    return 0


def _sync_all(engine: sa.Engine, ruleset: Ruleset, now: datetime) -> tuple[int, int]:
    with engine.begin() as conn:
        return sync_held(conn, None, ruleset, now=now)


if __name__ == "__main__":
    raise SystemExit(main())
