"""Latency of the intake API's inline verdict (`core/intake_verdict.py`), warm, for one lead and for 100.

    .venv/bin/python benchmarks/verdict.py [--rounds 200] [--seed 7]

Each round reads fresh synthetic messy leads (`synth.py`: plausible, junk, typo domains, four countries' phone
formats) the way the API reads a posted item (`record_from_mapping`) and times `lead_verdicts` on them with the
shipped ruleset, as `accept_leads` does before it answers. A few warm-up rounds come first (the checkers'
caches, pandas' first calls), as a serving process has them. Prints p50/p95/p99 per size; the last line is
JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from leadgate_dagster.core.file_reader import ParsedRecord, record_from_mapping
from leadgate_dagster.core.intake_verdict import lead_verdicts
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.providers.call_stats import percentile

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import HEADER, lead_rows

SIZES = (1, 100)
WARMUP_ROUNDS = 5


def _records(rows: list[list[str]]) -> list[ParsedRecord]:
    return [record_from_mapping({h: v for h, v in zip(HEADER, row, strict=True) if v}, record_no=i)
            for i, row in enumerate(rows, start=1)]


def measure(size: int, rounds: int, seed: int) -> dict[str, float]:
    """Milliseconds per `lead_verdicts` call on `size` leads, over `rounds` rounds of fresh leads."""
    rules = load_ruleset()
    times = []
    for r in range(rounds + WARMUP_ROUNDS):
        records = _records(lead_rows(size, seed=seed + r, prefix=f"r{r}-"))  # made per round: a small heap
        start = time.perf_counter()
        lead_verdicts(records, rules=rules)
        if r >= WARMUP_ROUNDS:
            times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(percentile(times, 0.95) or 0, 2),
            "p99_ms": round(percentile(times, 0.99) or 0, 2), "max_ms": round(max(times), 2), "rounds": rounds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200, help="timed rounds per size")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    result = {}
    for size in SIZES:
        result[f"leads_{size}"] = figures = measure(size, args.rounds, args.seed)
        print(f"{size:>4} lead(s): p50 {figures['p50_ms']:.2f} ms  p95 {figures['p95_ms']:.2f} ms  "
              f"p99 {figures['p99_ms']:.2f} ms  max {figures['max_ms']:.2f} ms  ({args.rounds} rounds)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
