"""Stage reports (plain dicts from the gate) as Dagster metadata: counts, rates and small tables."""


from collections.abc import Mapping
from typing import Any

import dagster as dg
import pandas as pd

from leadgate_dagster.core.masking import mask_email, mask_phone


def _md_table(values: Mapping[str, Any], key: str, value: str) -> str:
    rows = "\n".join(f"| {k} | {v} |" for k, v in values.items())
    return f"| {key} | {value} |\n|---|---|\n{rows}" if values else "_none_"


def _grid(key: str, rows: Mapping[str, Mapping[str, Any]]) -> dict[str, dg.MetadataValue]:
    """A table of figures per item (e.g. per provider), plus each number as `<item>/<figure>` so the UI can
    plot it across materializations."""
    columns = list(dict.fromkeys(c for row in rows.values() for c in row))
    head = f"| {key} | " + " | ".join(columns) + " |\n|---|" + "---|" * len(columns)
    body = ["| " + " | ".join([str(item), *("" if row.get(c) is None else str(row.get(c)) for c in columns)]) + " |"
            for item, row in rows.items()]
    meta: dict[str, dg.MetadataValue] = {key: dg.MetadataValue.md("\n".join([head, *body]))}
    for item, row in rows.items():
        for name, value in row.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                meta[f"{item}/{name}"] = dg.MetadataValue.float(float(value))
    return meta


def to_metadata(report: Mapping[str, Any], *, row_count_key: str) -> dict[str, dg.MetadataValue]:
    meta: dict[str, dg.MetadataValue] = {"dagster/row_count": dg.MetadataValue.int(int(report[row_count_key]))}
    for key, value in report.items():
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int):
            meta[key] = dg.MetadataValue.int(value)
        elif isinstance(value, float):
            meta[key] = dg.MetadataValue.float(value)
        elif isinstance(value, Mapping) and value and all(isinstance(v, Mapping) for v in value.values()):
            meta.update(_grid(key, value))
        elif isinstance(value, Mapping):
            meta[key] = dg.MetadataValue.md(_md_table(value, key, "count"))
        elif isinstance(value, list):
            meta[key] = dg.MetadataValue.json(value)
        else:
            meta[key] = dg.MetadataValue.text(str(value))
    return meta


def masked_preview(frame: pd.DataFrame) -> str:
    """A markdown preview with contact details masked: the event log is no place for PII."""
    if frame.empty:
        return "_no leads_"
    shown = frame.assign(email=frame["email"].map(mask_email), phone=frame["phone"].map(mask_phone))
    head = "| " + " | ".join(shown.columns) + " |\n|" + "---|" * len(shown.columns)
    rows = ["| " + " | ".join("" if v is None else str(v) for v in row) + " |"
            for row in shown.itertuples(index=False, name=None)]
    return "\n".join([head, *rows])
