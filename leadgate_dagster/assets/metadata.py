"""Stage reports (plain dicts from the gate) as Dagster metadata: counts, rates and small tables."""


from collections.abc import Mapping
from typing import Any

import dagster as dg


def _md_table(values: Mapping[str, Any], key: str, value: str) -> str:
    rows = "\n".join(f"| {k} | {v} |" for k, v in values.items())
    return f"| {key} | {value} |\n|---|---|\n{rows}" if values else "_none_"


def to_metadata(report: Mapping[str, Any], *, row_count_key: str) -> dict[str, dg.MetadataValue]:
    meta: dict[str, dg.MetadataValue] = {"dagster/row_count": dg.MetadataValue.int(int(report[row_count_key]))}
    for key, value in report.items():
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int):
            meta[key] = dg.MetadataValue.int(value)
        elif isinstance(value, float):
            meta[key] = dg.MetadataValue.float(value)
        elif isinstance(value, Mapping):
            meta[key] = dg.MetadataValue.md(_md_table(value, key, "count"))
        elif isinstance(value, list):
            meta[key] = dg.MetadataValue.json(value)
        else:
            meta[key] = dg.MetadataValue.text(str(value))
    return meta
