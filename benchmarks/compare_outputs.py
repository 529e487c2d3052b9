"""Behaviour-preservation check for refactors: the same inputs through `leadgate qa` and `leadgate dedupe`,
compared column by column with a saved run.

    python benchmarks/compare_outputs.py --save /tmp/before       # run on the current code, keep the outputs
    python benchmarks/compare_outputs.py --against /tmp/before    # run again, compare; exit 1 on a difference

Inputs: the shipped demo file, 20,000 seeded rows of `synth.py` (seed 7) and the labelled identity set. Every
column must be equal row by row except the ones that legitimately differ between two runs (VOLATILE).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import synth

ROOT = HERE.parent
DEMO = ROOT / "leadgate_dagster" / "examples" / "demo_leads.csv"
LABELLED = HERE / "data" / "leads_labelled.csv"

# Columns that may legitimately differ between two runs of the same code. None do today: person ids derive
# from record ids (core/identity/clustering.person_id), duplicate_of names a record number or such a person id,
# and the outputs carry no timestamps. A column added here must say why.
VOLATILE: dict[str, set[str]] = {}


def _leadgate() -> str:
    exe = Path(sys.executable).with_name("leadgate")
    return str(exe) if exe.exists() else "leadgate"


def run_all(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        synth_path = Path(tmp) / "synth_20000.csv"
        synth_path.write_bytes(synth.csv_bytes(synth.lead_rows(20_000, seed=7)))
        jobs = [["qa", str(DEMO), "--out", str(out_dir / "qa_demo.csv")],
                ["qa", str(synth_path), "--out", str(out_dir / "qa_synth.csv")],
                ["dedupe", str(LABELLED), "--out", str(out_dir / "dedupe_labelled.csv"), "--id-column", "id",
                 "--pairs", str(out_dir / "dedupe_labelled_pairs.csv")]]
        for args in jobs:
            print("$ leadgate " + " ".join(args), file=sys.stderr, flush=True)
            subprocess.run([_leadgate(), *args], check=True, env=_env())


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "LEADGATE_DATABASE_URL"}


def compare_file(name: str, kind: str, before: Path, after: Path) -> list[str]:
    a = pd.read_csv(before / name, dtype=str, keep_default_na=False)
    b = pd.read_csv(after / name, dtype=str, keep_default_na=False)
    problems = []
    if len(a) != len(b):
        return [f"{name}: {len(a)} rows before, {len(b)} after"]
    if list(a.columns) != list(b.columns):
        problems.append(f"{name}: columns differ: {list(a.columns)} vs {list(b.columns)}")
    volatile = VOLATILE.get(kind, set())
    for col in [c for c in a.columns if c in b.columns]:
        if col in volatile:
            continue
        diff = (a[col] != b[col])
        if diff.any():
            idx = diff.idxmax()
            problems.append(f"{name}: column {col!r} differs in {int(diff.sum())} rows "
                            f"(first row {idx}: {a[col][idx]!r} -> {b[col][idx]!r})")
    return problems


FILES = [("qa_demo.csv", "qa"), ("qa_synth.csv", "qa"), ("dedupe_labelled.csv", "dedupe"),
         ("dedupe_labelled_pairs.csv", "pairs")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="run and keep the outputs in this folder")
    group.add_argument("--against", type=Path, help="run and compare with the outputs saved in this folder")
    args = parser.parse_args()
    if args.save:
        run_all(args.save)
        print(f"saved to {args.save}")
        return 0
    after = Path(tempfile.mkdtemp(prefix="lgcmp-"))
    run_all(after)
    problems = []
    for name, kind in FILES:
        found = compare_file(name, kind, args.against, after)
        rows = len(pd.read_csv(after / name, dtype=str))
        ignored = sorted(VOLATILE.get(kind, ()))
        print(f"{name}: {rows} rows, {'identical' if not found else 'DIFFERENT'}"
              f"{' (ignored: ' + ', '.join(ignored) + ')' if ignored else ''}")
        problems += found
    for line in problems:
        print("  " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
