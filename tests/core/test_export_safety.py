"""Formula escaping for CSV/XLSX output, and the predicate intake shares with it."""

from __future__ import annotations

import pandas as pd
import pytest

from leadgate_dagster.core.export_safety import escape_formula, escape_frame, looks_like_formula


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
