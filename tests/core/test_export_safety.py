"""Formula escaping for CSV/XLSX output, the predicate intake shares with it, and the CSV writer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from leadgate_dagster.core.export_safety import (
    CELL_LIMIT,
    escape_formula,
    escape_frame,
    export_cell,
    looks_like_formula,
    write_csv,
)
from tests.awkward_values import NOTES, assert_carried, read_back


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("=1+2", "'=1+2"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("  =1+2", "'  =1+2"),
        ("\t=1+2", "'\t=1+2"),
        ("\rhello", "'\rhello"),
        ("+1 212 555 0100", "+1 212 555 0100"),
        ("+1 (212) 555-0100", "+1 (212) 555-0100"),
        ("+44.20.7946.0958", "+44.20.7946.0958"),
        ("-12", "-12"),
        ("-12.50", "-12.50"),
        ("-", "-"),
        ("ann@example.com", "ann@example.com"),
        ("", ""),
        (12, 12),
        (None, None),
    ],
    ids=["equals", "hyperlink", "at", "plus-dde", "minus-then-formula", "after-spaces", "tab-prefix",
         "cr-prefix", "phone-spaces", "phone-parens", "phone-dots", "negative-int", "negative-decimal",
         "lone-dash", "email", "empty", "int", "none"],
)
def test_escape_formula(value: object, want: object) -> None:
    assert escape_formula(value) == want
    if isinstance(value, str):
        assert looks_like_formula(value) == (want != value)


def test_escape_frame_escapes_strings_and_labels_and_leaves_the_input_alone() -> None:
    df = pd.DataFrame({"name": ["=cmd", "Ann"], "phone": ["+1 212 555 0100", None], "n": [1, 2],
                       "=evil": ["x", "@y"]})
    out = escape_frame(df)
    assert out["name"].tolist() == ["'=cmd", "Ann"]
    assert out["phone"].tolist() == ["+1 212 555 0100", None]
    assert out["n"].tolist() == [1, 2]
    assert list(out.columns) == ["name", "phone", "n", "'=evil"]
    assert out["'=evil"].tolist() == ["x", "'@y"]
    assert df["name"].tolist() == ["=cmd", "Ann"] and "=evil" in df.columns


def test_escape_frame_handles_string_dtype() -> None:
    df = pd.DataFrame({"v": pd.array(["=1", pd.NA, "ok"], dtype="string")})
    assert escape_frame(df)["v"].tolist() == ["'=1", pd.NA, "ok"]


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("a\x00b", "a\ufffdb"),
        ("\x00=1+1", "\ufffd=1+1"),
        ("x" * CELL_LIMIT, "x" * CELL_LIMIT),
        ("x" * (CELL_LIMIT + 1), "x" * (CELL_LIMIT - 24) + "…[truncated 25 chars]"),
        ("=" + "x" * 300_000, "'=" + "x" * (CELL_LIMIT - 27) + "…[truncated 267260 chars]"),
        (7, 7),
    ],
    ids=["nul", "nul-then-formula", "at-limit", "one-over", "formula-300k", "int"],
)
def test_export_cell(value: object, want: object) -> None:
    got = export_cell(value)
    assert got == want
    assert not isinstance(got, str) or len(got) <= CELL_LIMIT


def test_write_csv_reads_back_as_one_row_per_record(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    df = pd.DataFrame({"n": range(len(NOTES)), "Notes\r\x00": NOTES, "empty": None})
    write_csv(df, str(path))
    rows = read_back(path)
    assert [r["n"] for r in rows] == [str(i) for i in range(len(NOTES))] and {r["empty"] for r in rows} == {""}
    assert_carried([r["Notes\r\ufffd"] for r in rows], [v.replace("\x00", "\ufffd") for v in NOTES])
    assert path.read_bytes().startswith('n,"Notes\r\ufffd",empty\r\n0,"bare\rCR",\r\n'.encode())
    assert b"\r\n9,plain,\r\n" in path.read_bytes()  # ordinary cells are not quoted
