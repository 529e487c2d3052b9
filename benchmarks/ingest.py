"""Throughput of the whole gate through `leadgate qa` on N synthetic messy leads (default 100,000).

    python benchmarks/ingest.py [--rows N] [--database-url URL]

Runs the real command (throwaway embedded PostgreSQL unless --database-url), prints rows/s, and as its last
line a JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import csv_bytes, lead_rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lgbench-") as tmp:
        src, out = Path(tmp) / "leads.csv", Path(tmp) / "out.csv"
        src.write_bytes(csv_bytes(lead_rows(args.rows, seed=11)))
        cmd = [str(Path(sys.executable).parent / "leadgate"), "qa", str(src), "--out", str(out)]
        if args.database_url:
            cmd += ["--database-url", args.database_url]
        started = time.perf_counter()
        subprocess.run(cmd, check=True)
        elapsed = time.perf_counter() - started
        with out.open(encoding="utf-8") as f:
            written = sum(1 for _ in csv.DictReader(f))
    assert written == args.rows, f"{written} output rows for {args.rows} input records"
    print(f"leadgate qa: {args.rows} rows in {elapsed:.1f}s = {args.rows / elapsed:,.0f} rows/s (end to end)")
    print(json.dumps({"rows": args.rows, "seconds": round(elapsed, 2), "rows_per_s": round(args.rows / elapsed)}))


if __name__ == "__main__":
    main()
