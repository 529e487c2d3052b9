"""`leadgate dedupe`: resolve identities across one lead file (historical cleanup), no database needed.

Writes one row per input record, in input order: `id` (the --id-column value, or the 1-based record
number), `person_id` (records judged one person share it) and `decision` (new / auto_merge / review).
With --pairs, also the candidate pairs judged: id_l, id_r, tier, probability, decision, explanation.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pandas as pd

from leadgate_dagster.core.export_safety import escape_frame
from leadgate_dagster.core.file_reader import FileRejected, read_lead_file, records_to_dataframe
from leadgate_dagster.core.identity import IdentitySettings, load_model, resolve_identities
from leadgate_dagster.core.identity.clustering import person_id
from leadgate_dagster.core.identity.keys import IDENTITY_FIELDS
from leadgate_dagster.core.identity.resolve import PAIR_COLUMNS
from leadgate_dagster.core.lead_schema import normalize_header
from leadgate_dagster.core.ruleset import load_ruleset


class _UsageError(Exception):
    pass


def _column_values(frame: pd.DataFrame, column: str) -> list[str | None]:
    """The values of a column as the file names it: its raw header, else a canonical field name."""
    wanted = normalize_header(column)
    values: list[str | None] = []
    found = False
    for raw, extra in zip(frame["raw"], frame["extra"]):
        value = None
        for source in (raw, extra):
            key = next((k for k in source if k == column), None) or next(
                (k for k in source if normalize_header(k) == wanted), None
            )
            if key is not None:
                value, found = source[key], True
                break
        values.append(value.strip() if isinstance(value, str) and value.strip() else None)
    if not found and column in frame.columns:
        return [v if isinstance(v, str) and v else None for v in frame[column]]
    if not found and len(frame):
        raise _UsageError(f"no column {column!r} in the file")
    return values


def _write_csv(frame: pd.DataFrame, path: str) -> None:
    escape_frame(frame).to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")


def dedupe_command(input_path: str, out_path: str, id_column: str | None, pairs_path: str | None) -> int:
    """Run `leadgate dedupe INPUT --out OUT.csv [--id-column COL] [--pairs PAIRS.csv]`.

    Args:
        input_path: the lead file (CSV, TSV, JSONL or XLSX; any common header names).
        out_path: where to write id, person_id, decision per record.
        id_column: the column holding record ids; None numbers records from 1.
        pairs_path: where to write the judged candidate pairs, or None.

    Returns:
        0 when the file was processed; 2 when it cannot be read at all (one line on stderr, no traceback).
    """
    try:
        info, records = read_lead_file(Path(input_path).read_bytes(), filename=Path(input_path).name)
        frame = records_to_dataframe(records)
        shown = (
            [str(n) for n in frame["record_no"]] if id_column is None else _column_values(frame, id_column)
        )
    except FileRejected as exc:
        print(f"leadgate dedupe: cannot read {input_path}: {exc.code}: {exc.detail}", file=sys.stderr)
        return 2
    except (OSError, _UsageError) as exc:
        print(f"leadgate dedupe: cannot read {input_path}: {exc}", file=sys.stderr)
        return 2
    shown = [s if s is not None else str(n) for s, n in zip(shown, frame["record_no"])]
    # a person id derives from a record id, so ids must be unique; fall back to record numbers if not
    internal = shown if len(set(shown)) == len(shown) else [str(n) for n in frame["record_no"]]
    rules = load_ruleset()
    model = load_model(IdentitySettings.from_ruleset(rules).model)
    readable = frame["error"].isna().to_numpy()
    leads = frame.loc[readable, list(IDENTITY_FIELDS)].set_axis(
        pd.Index([i for i, ok in zip(internal, readable) if ok])
    )
    result = resolve_identities(leads, rules=rules, model=model)
    out = pd.DataFrame({"id": shown, "person_id": [person_id(i) for i in internal], "decision": "new"})
    out.loc[readable, "person_id"] = result.assignments["person_id"].to_numpy()
    out.loc[readable, "decision"] = result.assignments["decision"].to_numpy()
    _write_csv(out, out_path)
    if pairs_path is not None:
        to_shown = dict(zip(internal, shown))
        pairs = result.pairs.assign(
            id_l=result.pairs["id_l"].map(to_shown),
            id_r=result.pairs["id_r"].map(to_shown),
            probability=result.pairs["probability"].round(6),
        )
        _write_csv(pairs[PAIR_COLUMNS], pairs_path)
    return 0
