"""Values that break naive CSV output, and a strict read-back of a written file (`leadgate qa`, `dedupe`)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

CELL_LIMIT = 32_767  # characters a spreadsheet cell holds
BIG = "-".join(f"{i:07d}" for i in range(37_500)) + "!"  # 300,000 characters
# None of these starts like a formula or has edge whitespace, so only the writer under test changes them.
NOTES = ["bare\rCR", "line\nfeed", "crlf\r\nend", 'say "hi"', "a,b", "tab\there", "semi;colon", "nul\x00here",
         'all\r\n"of",\t;\rthem', "plain", BIG]
# intake stores a NUL as the six characters \u0000 (Postgres JSONB refuses NUL), and that is what both
# commands carry along to their output
CARRIED = [v.replace("\x00", "\\u0000") for v in NOTES]
_MARKER = re.compile(r"…\[truncated (\d+) chars\]\Z")


def input_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a lead file the way a careful tool does (RFC 4180: every awkward field quoted)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, *rows])


def read_back(path: Path) -> list[dict[str, str]]:
    """The rows as Python's csv module reads them, by header; pandas must read exactly the same cells."""
    with path.open(newline="", encoding="utf-8") as f:
        header, *rows = csv.reader(f)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == header
    assert frame.values.tolist() == rows
    return [dict(zip(header, row, strict=True)) for row in rows]


def assert_carried(got: list[str], want: list[str]) -> None:
    """`got` is `want` as written to a file: whole, except a value too long for a spreadsheet cell, which is
    its head plus a marker counting the characters cut."""
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        if len(w) <= CELL_LIMIT:
            assert g == w
            continue
        cut = _MARKER.search(g)
        assert cut is not None and len(g) <= CELL_LIMIT, g[-60:]
        assert w.startswith(g[: cut.start()]) and cut.start() + int(cut.group(1)) == len(w)
