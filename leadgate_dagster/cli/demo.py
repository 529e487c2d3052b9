"""`leadgate demo`: the shipped example leads through the real Dagster pipeline, and a summary."""

from __future__ import annotations

import argparse
import time
from collections import Counter
from importlib import resources
from typing import TYPE_CHECKING

from leadgate_dagster.cli.db import shown_url

if TYPE_CHECKING:
    import dagster as dg
    import sqlalchemy as sa

    from leadgate_dagster.core.ruleset import Ruleset

DEMO_FILE = "demo_leads.csv"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("demo", help="load the shipped example leads through the pipeline and print a summary")
    p.set_defaults(run=lambda args: demo())


def demo() -> int:
    """Load the shipped example leads through the real Dagster pipeline and summarise the dispositions."""
    import dagster as dg

    from leadgate_dagster.cli.runtime import prepare
    from leadgate_dagster.gate.ingest import file_id_of, ingest_bytes
    from leadgate_dagster.settings import configured_database_url
    from leadgate_dagster.store import rulesets

    started = time.perf_counter()
    embedded = configured_database_url() is None  # read before prepare(), which exports the URL it uses
    runtime = prepare()
    print(f"leadgate demo: database {shown_url(runtime.database_url)} (data in {runtime.home})")
    data = resources.files("leadgate_dagster.examples").joinpath(DEMO_FILE).read_bytes()

    with runtime.engine.connect() as conn:
        rules = rulesets.current(conn)
    outcome = ingest_bytes(runtime.engine, data, filename=DEMO_FILE, source="demo", rules=rules)
    if outcome.status == "duplicate":
        print(f"leadgate demo: {DEMO_FILE} was ingested before (same content); nothing ingested twice")
    else:
        print(f"leadgate demo: {DEMO_FILE}: {outcome.records} records ingested")
    with dg.DagsterInstance.get() as instance:
        batches = run_pending(runtime.engine, instance, rules)
    print(f"leadgate demo: {len(batches)} batch run(s) materialized: {', '.join(batches) or '-'}")
    _print_summary(runtime.engine, file_id_of(data), rules)
    print(f"\n  done in {time.perf_counter() - started:.1f}s\n"
          "  next: `leadgate dev` opens the Dagster UI (these runs are there) and watches an inbox folder;\n"
          "        `leadgate qa FILE --out OUT.csv` is a dry run.")
    _print_how_to_query(embedded=embedded)
    return 0


def _print_how_to_query(*, embedded: bool) -> None:
    """How to read what RevOps reads, the view leadgate.qualified_leads, from psql or another tool."""
    restart = "\n         (it starts the embedded server again: the demo stops it when it exits)" if embedded else ""
    print("  query: RevOps reads the view leadgate.qualified_leads; `leadgate db shell` opens psql on it"
          f"{restart}, then\n"
          "           SELECT disposition, count(*) FROM leadgate.qualified_leads GROUP BY 1;\n"
          "         other tools: `leadgate db url` prints the URL to connect to.")


def run_pending(engine: sa.Engine, instance: dg.DagsterInstance, rules: Ruleset) -> list[str]:
    """Claim every pending intake event into batches and materialize each batch in this process, recording
    the runs in the persistent instance so they show up in `leadgate dev` afterwards; returns the batch ids."""
    from leadgate_dagster.assets.partitions import intake_batches
    from leadgate_dagster.definitions import defs
    from leadgate_dagster.store.intake import claim_batches

    cfg = rules.batching
    job = defs.resolve_job_def("lead_batch_job")
    done: list[str] = []
    while claimed := claim_batches(engine, max_events=cfg.max_events_per_batch, max_batches=1,
                                   lease_seconds=cfg.lease_seconds):
        batch_id = claimed[0][0]
        instance.add_dynamic_partitions(intake_batches.name, [batch_id])
        result = job.execute_in_process(instance=instance, partition_key=batch_id, tags={"leadgate/trigger": "demo"},
                                        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}})
        if not result.success:
            raise RuntimeError(f"batch {batch_id} failed; see run {result.run_id} in the Dagster UI")
        done.append(batch_id)
    return done


def _print_summary(engine: sa.Engine, file_id: str, rules: Ruleset) -> None:
    from leadgate_dagster.core.top_reasons import top_reasons
    from leadgate_dagster.store import dispositions

    with engine.connect() as conn:
        rows = dispositions.current_of_file(conn, file_id)
    mix = Counter(r.disposition for r in rows)
    reasons = Counter(c for r in rows for c in r.reason_codes)
    total = max(len(rows), 1)
    print(f"\n  {'disposition':<22}{'leads':>7}{'share':>8}")
    for disposition, n in mix.most_common():
        print(f"  {disposition:<22}{n:>7}{n / total:>8.0%}")
    print(f"  {'total':<22}{len(rows):>7}")
    print(f"\n  {'top reason codes':<28}{'leads':>7}")
    for code, n in top_reasons(reasons, rules, 8).items():  # info codes sit on almost every lead
        print(f"  {code:<28}{n:>7}")
