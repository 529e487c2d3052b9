"""`leadgate dedupe`: resolve identities across one lead file (historical cleanup), no database needed.

Writes one row per input record, in input order: `id` (the --id-column value, or the 1-based record
number), `person_id` (records judged one person share it) and `decision` (new / auto_merge / review).
With --pairs, also the candidate pairs judged: id_l, id_r, tier, probability, decision, explanation.
Built for whole files (a million records in a few minutes and a few GB, docs/benchmarks.md): records are read
in chunks, and --workers processes share the key and comparison work without changing the output.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from leadgate_dagster.core.lead_schema import CANONICAL_FIELDS, normalize_header

if TYPE_CHECKING:
    import pandas as pd

    from leadgate_dagster.core.file_reader import ParsedRecord

_READ_CHUNK = 50_000
# an --id-column no header has may name a canonical field (or a record's error or detail)
_RECORD_COLUMNS = frozenset({*CANONICAL_FIELDS, "error", "detail"})
_MAX_WORKERS = 4  # each holds about a chunk of comparisons (~100 MB) beside the shared batch


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("dedupe", help="resolve identities across a file")
    p.add_argument("input", metavar="INPUT", help="the lead file (CSV, TSV, JSONL or XLSX)")
    p.add_argument("--out", required=True, help="the CSV to write: id, person_id, decision per record")
    p.add_argument("--id-column", help="the column holding record ids (default: record numbers from 1)")
    p.add_argument("--pairs", help="also write the judged candidate pairs to this CSV")
    p.add_argument("--workers", type=int, help="processes to use (default: the CPUs available, at most 4)")
    p.add_argument("--explain-model", action="store_true",
                   help="print the parameters estimated from the file (m, u, weights, prior, blocking bounds)")
    p.add_argument("--shipped-model", action="store_true",
                   help="judge with the shipped model as it is, without estimating parameters from the file")
    p.set_defaults(run=lambda args: dedupe_command(args.input, args.out, args.id_column, args.pairs,
                                                   workers=args.workers, explain_model=args.explain_model,
                                                   estimate=not args.shipped_model))


class _UsageError(Exception):
    pass


def _column_value(record: ParsedRecord, column: str, wanted: str) -> tuple[str | None, bool]:
    """A record's value of a column as the file names it (its raw header, else its normalized form), and
    whether the record has that column."""
    for source in (record.raw, record.extra):
        key = next((k for k in source if k == column), None) or next(
            (k for k in source if normalize_header(k) == wanted), None
        )
        if key is not None:
            value = source[key]
            return (value.strip() if isinstance(value, str) and value.strip() else None), True
    return None, False


def _field_value(record: ParsedRecord, column: str) -> str | None:
    """A record's value of a canonical field (or its error or detail), for an --id-column no header has."""
    if column in CANONICAL_FIELDS:
        value = record.fields.get(column)
    else:
        value = {"error": record.error, "detail": record.detail}.get(column)
    return value if isinstance(value, str) and value else None


def _read(input_path: str, id_column: str | None) -> tuple[pd.DataFrame, list[str]]:
    """The identity fields, record number and error of each record, and the id to show for it.

    Records are read in chunks and only the fields identity reads are taken from them, so a file of a
    million records never holds every record's raw values, extras and other fields at once.

    Raises:
        FileRejected: when the file cannot be read at all.
        _UsageError: when --id-column names no column of the file.
    """
    import pandas as pd

    from leadgate_dagster.core.file_reader import read_lead_file
    from leadgate_dagster.core.identity.keys import IDENTITY_FIELDS, SECONDARY_FIELDS, SECONDARY_HEADERS

    _, records = read_lead_file(Path(input_path).read_bytes(), filename=Path(input_path).name)
    columns = ["record_no", "error", *IDENTITY_FIELDS, *SECONDARY_FIELDS]
    # a second email or phone is no stored lead field: its column arrives among the extras
    secondary = {normalize_header(h): f for f, spellings in SECONDARY_HEADERS.items() for h in (f, *spellings)}
    frames: list[pd.DataFrame] = []
    named: list[str | None] = []
    by_field: list[str | None] = []
    found = False
    wanted = normalize_header(id_column) if id_column is not None else ""
    while chunk := list(islice(records, _READ_CHUNK)):
        rows = [(r.record_no, r.error, *(r.fields.get(f) for f in IDENTITY_FIELDS), *_secondary(r.extra, secondary))
                for r in chunk]
        frames.append(pd.DataFrame(rows, columns=columns, dtype=object).astype({"record_no": "int64"}))
        if id_column is not None:
            for record in chunk:
                value, has = _column_value(record, id_column, wanted)
                named.append(value)
                found |= has
                by_field.append(_field_value(record, id_column))
        del chunk, rows
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    numbers = [str(n) for n in frame["record_no"]]
    if id_column is None:
        return frame, numbers
    if not found and id_column in _RECORD_COLUMNS:
        named = by_field
    elif not found and len(frame):
        raise _UsageError(f"no column {id_column!r} in the file")
    return frame, [s if s is not None else n for s, n in zip(named, numbers, strict=False)]


def _secondary(extra: dict[str, str], secondary: dict[str, str]) -> tuple[str | None, ...]:
    """The record's secondary email and phone from its extra columns (the first non-blank of each)."""
    from leadgate_dagster.core.identity.keys import SECONDARY_FIELDS

    found: dict[str, str] = {}
    for header, value in extra.items():
        field = secondary.get(normalize_header(header))
        if field and field not in found and isinstance(value, str) and value.strip():
            found[field] = value.strip()
    return tuple(found.get(f) for f in SECONDARY_FIELDS)


def _cpus() -> int:
    """CPUs this process may run on (its affinity where the OS has one)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def dedupe_command(
    input_path: str,
    out_path: str,
    id_column: str | None,
    pairs_path: str | None,
    *,
    workers: int | None = None,
    explain_model: bool = False,
    estimate: bool = True,
) -> int:
    """Run `leadgate dedupe INPUT --out OUT.csv [--id-column COL] [--pairs PAIRS.csv] [--workers N]
    [--explain-model] [--shipped-model]`.

    Args:
        input_path: the lead file (CSV, TSV, JSONL or XLSX; any common header names).
        out_path: where to write id, person_id, decision per record.
        id_column: the column holding record ids; None numbers records from 1.
        pairs_path: where to write the judged candidate pairs, or None.
        workers: processes for keys and comparisons; None: the CPUs this process may use, at most 4, where
            processes can be forked, else 1 (the output does not depend on it).
        explain_model: print the estimated parameters and the blocking rules' pairs and bounds (stderr).
        estimate: estimate the parameters from the file (the shipped model is prior and fallback); False
            judges with the shipped model as it is.

    Returns:
        0 when the file was processed; 2 when it cannot be read at all (one line on stderr, no traceback).
    """
    import pandas as pd

    from leadgate_dagster.core.export_safety import write_csv
    from leadgate_dagster.core.file_reader import FileRejected
    from leadgate_dagster.core.identity import IdentitySettings, load_model, resolve_identities
    from leadgate_dagster.core.identity.clustering import person_id
    from leadgate_dagster.core.identity.keys import IDENTITY_FIELDS, SECONDARY_FIELDS
    from leadgate_dagster.core.identity.resolve import PAIR_COLUMNS
    from leadgate_dagster.core.ruleset import load_ruleset

    started = time.perf_counter()
    try:
        frame, shown = _read(input_path, id_column)
    except FileRejected as exc:
        print(f"leadgate dedupe: cannot read {input_path}: {exc.code}: {exc.detail}", file=sys.stderr)
        return 2
    except (OSError, _UsageError) as exc:
        print(f"leadgate dedupe: cannot read {input_path}: {exc}", file=sys.stderr)
        return 2
    # a person id derives from a record id, so ids must be unique; fall back to record numbers if not
    internal = shown if len(set(shown)) == len(shown) else [str(n) for n in frame["record_no"]]
    rules = load_ruleset()
    model = load_model(IdentitySettings.from_ruleset(rules).model)
    readable = frame["error"].isna().to_numpy()
    leads = frame.loc[readable, [*IDENTITY_FIELDS, *SECONDARY_FIELDS]].set_axis(
        pd.Index([i for i, ok in zip(internal, readable, strict=False) if ok])
    )
    del frame
    if workers is None:
        workers = min(_cpus(), _MAX_WORKERS) if "fork" in multiprocessing.get_all_start_methods() else 1
    result = resolve_identities(leads, rules=rules, model=model, workers=max(workers, 1), estimate=estimate)
    out = pd.DataFrame({"id": shown, "person_id": [person_id(i) for i in internal], "decision": "new"})
    del leads
    out.loc[readable, "person_id"] = result.assignments["person_id"].to_numpy()
    out.loc[readable, "decision"] = result.assignments["decision"].to_numpy()
    write_csv(out, out_path)
    if pairs_path is not None:
        to_shown = dict(zip(internal, shown, strict=False))
        pairs = result.pairs.assign(
            id_l=result.pairs["id_l"].map(to_shown),
            id_r=result.pairs["id_r"].map(to_shown),
            probability=result.pairs["probability"].round(6),
        )
        write_csv(pairs[PAIR_COLUMNS], pairs_path)
    _print_summary(out, int((result.pairs["decision"] == "review").sum()), time.perf_counter() - started,
                   out_path, pairs_path)
    if explain_model:
        from leadgate_dagster.core.identity.model_report import explain_lines

        print("\n".join(explain_lines(result.model_version, result.model_report, result.blocking)), file=sys.stderr)
    return 0


def _print_summary(out: pd.DataFrame, review_pairs: int, seconds: float, out_path: str,
                   pairs_path: str | None) -> None:
    """What the run found and where it went, on stderr (stdout stays free for a pipe)."""
    auto = int((out["decision"] == "auto_merge").sum())
    print(f"leadgate dedupe: {len(out)} records, {out['person_id'].nunique()} persons, {auto} auto-merged into "
          f"another record's person, {review_pairs} pair(s) to review, in {seconds:.1f}s\n"
          f"  persons: {out_path} (id, person_id, decision)\n"
          f"  pairs:   {pairs_path or 'not written (--pairs PAIRS.csv writes the judged pairs)'}", file=sys.stderr)
