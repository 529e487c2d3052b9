"""Routing's cost: the assignment step on a batch of 5,000 leads (target > 5,000 leads/s), and what routing adds
to qualification per 50-lead batch in the pipeline (target < 50 ms).

    .venv/bin/python benchmarks/routing.py [--leads 5000] [--small-batches 40] [--owners 60] [--accounts 2000]
        [--database-url URL]

1. Assignment, pure (no database): the territory places of the leads, the owners x leads specificity matrix and
   the smooth weighted round robin within capacity and working hours (core.routing), on `--leads` leads of
   `--owners` owners: SDRs per country, US state and postal prefix, enterprise AEs, queues; four time zones,
   capacities, weights. Median of 5 runs.
2. In the pipeline (a throwaway database, as benchmarks/score.py makes one): synthetic leads (`synth.py`) run
   through every stage before qualification (not timed), owners and `--accounts` accounts imported, then
   `qualify_stage` per batch with the routing steps timed inside it: account matching, the AE territory,
   assignment under the lock (owners, loads, rotation, person owners read and written) and the next steps and
   no-owner items written. One batch of `--leads`, then `--small-batches` batches of 50.
The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from score import database
from synth import COMPANIES, csv_bytes, lead_rows

from leadgate_dagster.core.routing.assign import assign_owners
from leadgate_dagster.core.routing.places import lead_places
from leadgate_dagster.core.routing.roster import roster_at
from leadgate_dagster.core.routing.territory import specificity
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate import qualify, routing, stages
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.gate.mx import mx_lookup_for
from leadgate_dagster.gate.routing_admin import import_accounts, import_owners
from leadgate_dagster.providers.call_stats import percentile
from leadgate_dagster.store.intake import claim_batches

STATES = ["CA", "NY", "TX", "WA", "FL", "IL", "MA", "CO", "GA", "NC"]
ZONES = ["America/New_York", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata"]


def owner_rows(n: int, seed: int = 3) -> list[dict[str, str]]:
    """SDRs by country, US state and postal prefix, enterprise AEs and queues, in four time zones."""
    rng = random.Random(seed)
    rows = [{"email": "sdr-queue@owners-bench.com", "name": "SDR queue", "role": "sdr"},
            {"email": "ae-queue@owners-bench.com", "name": "AE queue", "role": "ae"}]
    for i in range(n - 2):
        kind = i % 6
        row = {"email": f"o{i}@owners-bench.com", "name": f"Owner {i}", "role": "ae" if kind == 5 else "sdr",
               "timezone": ZONES[i % 4], "working_hours": rng.choice(["", "mon-fri 08:00-18:00", "mon-sun 00:00-24:00"]),
               "daily_capacity": rng.choice(["", "200", "500"]), "weight": str(rng.choice([1, 1, 2, 3]))}
        if kind == 0:
            row["countries"] = rng.choice(["GB", "DE", "FR", "IN"])
        elif kind in (1, 2):
            row.update(countries="US", regions=rng.choice(STATES))
        elif kind == 3:
            row.update(countries="US", postal_prefixes=rng.choice(["100", "941", "10", "94"]))
        elif kind == 4:
            row["countries"] = "US"
        else:
            row["segment"] = "enterprise"
        rows.append(row)
    return rows


def lead_frame(n: int, seed: int = 5) -> pd.DataFrame:
    rng = random.Random(seed)
    return pd.DataFrame({
        "country_iso2": [rng.choice(["US", "US", "US", "GB", "DE", "FR", "IN"]) for _ in range(n)],
        "region": [rng.choice(STATES) for _ in range(n)],
        "postal_code": [f"{rng.choice(['100', '941', '606', '331'])}{rng.randrange(10, 99)}" for _ in range(n)],
        "employee_count": [rng.choice(["", "12", "150", "700", "3000", "20000"]) for _ in range(n)],
        "industry": [rng.choice(["Software", "Retail", "Healthcare", None]) for _ in range(n)],
    }, index=[f"l{i}" for i in range(n)])


def assignment_step(leads: int, owners: int) -> dict[str, Any]:
    """The pure assignment step on one batch: places, specificity, round robin; median of 5 runs."""
    rules = load_ruleset()
    frame = pd.DataFrame([{"countries": [], "regions": [], "postal_prefixes": [], "segment": None,
                           "timezone": "UTC", "working_hours": None, "daily_capacity": None, "weight": 1,
                           **{k: v for k, v in o.items() if v}} for o in owner_rows(owners)])
    for col in ("countries", "regions", "postal_prefixes"):
        frame[col] = frame[col].map(lambda v: [f"US-{v}" if len(v) == 2 and v in STATES else v]
                                    if isinstance(v, str) else v)
    frame["daily_capacity"] = pd.to_numeric(frame["daily_capacity"]).astype(object)
    frame["weight"] = frame["weight"].astype(int)
    batch = lead_frame(leads)
    requests = pd.DataFrame({"role": ["sdr" if i % 4 else "ae" for i in range(leads)], "person_id": None,
                             "kept_owner": None, "kept_rule": None, "person_owner": None, "account_owner": None},
                            index=batch.index)
    runs, assigned = [], 0
    for _ in range(5):
        started = time.perf_counter()
        roster = roster_at(frame, datetime.now(UTC), rules.routing.territory_precedence).assign(load=0)
        scores = specificity(lead_places(batch, rules), roster, rules.routing.territory_precedence)
        result = assign_owners(requests, scores, roster, {})
        runs.append(time.perf_counter() - started)
        assigned = int(result.owners["owner_email"].notna().sum())
    median = statistics.median(runs)
    return {"leads": leads, "owners": owners, "assigned": assigned, "median_s": round(median, 4),
            "leads_per_s": round(leads / median)}


def _timed(module: Any, name: str, spent: dict[str, float]) -> None:
    original: Callable[..., Any] = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

    setattr(module, name, wrapper)


def account_rows(n: int, seed: int = 9) -> list[dict[str, str]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent / "data"))
    import lead_vocab

    rng = random.Random(seed)
    names = {f"{h} {t}" for h in lead_vocab.COMPANY_HEADS for t in lead_vocab.COMPANY_TAILS} | set(COMPANIES)
    chosen = sorted(names)[:n] if len(names) >= n else sorted(names)
    rng.shuffle(chosen)
    return [{"id": f"ACC-{i}", "name": name, "domains": name.lower().replace(" ", "") + ".com",
             "owner": f"o{5 + 6 * (i % 9)}@owners-bench.com" if i % 3 == 0 else ""} for i, name in enumerate(chosen)]


def pipeline(engine: Any, leads: int, small: int, owners: int, accounts: int) -> dict[str, Any]:
    rules = load_ruleset()
    imported = import_owners(engine, owner_rows(owners), rules)
    assert not imported.problems, imported.problems[:3]
    loaded = import_accounts(engine, account_rows(accounts), rules)
    assert not loaded.problems, loaded.problems[:3]
    sizes = [leads] + [50] * small
    data = csv_bytes(lead_rows(sum(sizes), seed=21))
    ingest_bytes(engine, data, filename="routing-bench.csv", source="bench", rules=rules)
    mx = mx_lookup_for(engine, rules)
    batches = []
    for size in sizes:
        [(batch_id, _)] = claim_batches(engine, max_events=size, max_batches=1, lease_seconds=3600)
        stages.raw_stage(engine, batch_id, rules)
        stages.validate_stage(engine, batch_id, rules, mx)
        stages.enrich_stage(engine, batch_id, rules, None)
        stages.identity_stage(engine, batch_id, rules)
        batches.append(batch_id)
    spent: dict[str, float] = {}
    _timed(qualify, "with_accounts", spent)
    for name in ("ae_territory", "route", "after_record"):
        _timed(routing, name, spent)
    rows = []
    for batch_id, size in zip(batches, sizes, strict=True):
        spent.clear()
        started = time.perf_counter()
        report = stages.qualify_stage(engine, batch_id, rules)
        total = time.perf_counter() - started
        rows.append({"size": size, "qualify_s": total, "routing_s": sum(spent.values()), **spent,
                     "assigned": report["owners_assigned"], "no_owner": report["no_owner"],
                     "matches": sum(report["account_matches"].values())})
    big, smalls = rows[0], rows[1:]
    routing_ms = [r["routing_s"] * 1000 for r in smalls]
    return {
        "big_batch": {"leads": big["size"], "qualify_s": round(big["qualify_s"], 3),
                      "routing_s": round(big["routing_s"], 3), "assigned": big["assigned"],
                      "no_owner": big["no_owner"], "account_matches": big["matches"],
                      "steps_s": {k: round(v, 3) for k, v in big.items() if k in spent}},
        "batches_of_50": {"batches": len(smalls), "routing_ms_p50": round(statistics.median(routing_ms), 1),
                          "routing_ms_p95": round(percentile(routing_ms, 0.95) or 0, 1),
                          "steps_ms_p50": {k: round(statistics.median(r.get(k, 0) * 1000 for r in smalls), 1)
                                           for k in ("with_accounts", "ae_territory", "route", "after_record")},
                          "qualify_ms_p50": round(statistics.median(r["qualify_s"] * 1000 for r in smalls), 1)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=5000)
    parser.add_argument("--small-batches", type=int, default=40)
    parser.add_argument("--owners", type=int, default=60)
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    step = assignment_step(args.leads, args.owners)
    print(f"assignment step: {step['leads']} leads, {step['owners']} owners: {step['median_s'] * 1000:.0f} ms "
          f"({step['leads_per_s']} leads/s), {step['assigned']} assigned")
    with database(args.database_url) as engine:
        found = pipeline(engine, args.leads, args.small_batches, args.owners, args.accounts)
    big, small = found["big_batch"], found["batches_of_50"]
    print(f"pipeline, {big['leads']}-lead batch: qualification {big['qualify_s']} s, of which routing "
          f"{big['routing_s']} s {big['steps_s']}; {big['assigned']} owned, {big['no_owner']} without owner, "
          f"{big['account_matches']} account matches")
    print(f"pipeline, {small['batches']} batches of 50: routing adds p50 {small['routing_ms_p50']} ms, "
          f"p95 {small['routing_ms_p95']} ms {small['steps_ms_p50']} (qualification p50 {small['qualify_ms_p50']} ms)")
    print(json.dumps({"assignment_step": step, **found}))


if __name__ == "__main__":
    main()
