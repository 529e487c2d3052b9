"""The intake file reader on the messy files partners really send; every fixture is built here."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import random
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadgate_dagster.core.file_reader import (
    FileInfo,
    FileRejected,
    ParsedRecord,
    count_records,
    read_lead_file,
    records_to_dataframe,
)
from leadgate_dagster.core.lead_schema import CANONICAL_FIELDS


def read(data: bytes, filename: str = "leads.csv", **kw: int) -> tuple[FileInfo, list[ParsedRecord]]:
    info, records = read_lead_file(data, filename=filename, **kw)
    return info, list(records)


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- encodings -------------------------------------------------------------------------------------

ACCENTED = "Email,First Name,Surname,Company\r\njose@example.com,José,Müller,“Café” Ltd\r\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ACCENTED.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + ACCENTED.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + ACCENTED.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + ACCENTED.encode("utf-16-be"), "utf-16"),
        (ACCENTED.encode("utf-16-le"), "utf-16-le"),
        (ACCENTED.encode("utf-16-be"), "utf-16-be"),
        (ACCENTED.encode("cp1252"), "cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "utf16-le-no-bom", "utf16-be-no-bom", "cp1252"],
)
def test_encodings(data: bytes, encoding: str) -> None:
    info, records = read(data)
    assert (info.format, info.encoding, info.headers) == ("csv", encoding, ["Email", "First Name", "Surname",
                                                                              "Company"])
    assert records[0].fields == {"email": "jose@example.com", "first_name": "José", "last_name": "Müller",
                                 "company": "“Café” Ltd"}


def test_cyrillic_cp1251_is_guessed_not_forced_to_cp1252() -> None:
    text = "Email,Имя,Фамилия\r\nivan@example.ru,Иван,Петров\r\nolga@example.ru,Ольга,Смирнова\r\n"
    info, records = read(text.encode("cp1251"))
    assert info.encoding == "cp1251"
    assert records[1].extra == {"Имя": "Ольга", "Фамилия": "Смирнова"}


# --- line endings and quoting ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "want"),
    [
        (b"email,name\ra@x.com,Ann\rb@x.com,Bob\r", ["Ann", "Bob"]),
        (b"email,name\r\na@x.com,Ann\r\nb@x.com,Bob", ["Ann", "Bob"]),
        (b'email,name\r\na@x.com,"Ann\r\nSmith"\r\nb@x.com,Bob\r\n', ["Ann\r\nSmith", "Bob"]),
        (b'email,name\ra@x.com,"Ann\rSmith"\rb@x.com,Bob\r', ["Ann\rSmith", "Bob"]),
        (b'email,name\na@x.com,"Ann ""The Ace"", Smith"\n', ['Ann "The Ace", Smith']),
        (b'email,name\na@x.com,5" screen\n', ['5" screen']),
    ],
    ids=["bare-cr", "crlf-no-final-newline", "crlf-inside-quotes", "bare-cr-inside-quotes", "escaped-quotes",
         "quote-mid-field"],
)
def test_line_endings_and_quotes(data: bytes, want: list[str]) -> None:
    _, records = read(data)
    assert [r.fields["full_name"] for r in records] == want
    assert [r.record_no for r in records] == list(range(1, len(want) + 1))


def test_broken_quote_costs_one_row() -> None:
    data = b'email,name,phone\na@x.com,"Ann,555\nb@x.com,Bob,556\nc@x.com,Cy,557\n'
    _, records = read(data)
    assert [(r.record_no, r.error) for r in records] == [(1, "ROW_UNPARSEABLE"), (2, None), (3, None)]
    assert records[0].raw == {"_line": 'a@x.com,"Ann,555'} and "line 2" in (records[0].detail or "")
    assert records[2].fields == {"email": "c@x.com", "full_name": "Cy", "phone": "557"}


def test_runaway_quote_closed_later_is_split_again() -> None:
    data = b'email,name,phone\na@x.com,"Ann,555\nb@x.com,"Bob",556\nc@x.com,Cy,557\n'
    _, records = read(data)
    assert [r.error for r in records] == ["ROW_UNPARSEABLE", None, None]
    assert records[1].fields["full_name"] == "Bob"


# --- per-record repairs and warning codes ------------------------------------------------------------

HEADER = "email,name,phone\n"
A = {"email": "a@x.com"}
FORMULA = ("FORMULA_INJECTION",)


@pytest.mark.parametrize(
    ("body", "fields", "extra", "codes", "error"),
    [
        ("a@x.com,Ann,555\n", {**A, "full_name": "Ann", "phone": "555"}, {}, (), None),
        ("  a@x.com , \u200bAnn\u200b ,\n", {**A, "full_name": "Ann"}, {}, (), None),
        ("a@x.com\x00,An\x00n,555\n", {**A, "full_name": "Ann", "phone": "555"}, {}, ("FIELD_NUL_REMOVED",),
         None),
        ("a@x.com,Ann\n", {**A, "full_name": "Ann"}, {}, ("ROW_RAGGED",), None),
        ("a@x.com,Ann,555,x,,y\n", {**A, "full_name": "Ann", "phone": "555"},
         {"_extra_1": "x", "_extra_3": "y"}, ("ROW_RAGGED",), None),
        ("a@x.com,Ann,555,,\n", {**A, "full_name": "Ann", "phone": "555"}, {}, (), None),
        ('a@x.com,=HYPERLINK("http://x"),555\n', {**A, "full_name": '=HYPERLINK("http://x")', "phone": "555"},
         {}, FORMULA, None),
        ("a@x.com,@SUM(A1),+1 212 555 0100\n", {**A, "full_name": "@SUM(A1)", "phone": "+1 212 555 0100"}, {},
         FORMULA, None),
        ('a@x.com,"\t=1+1",-12\n', {**A, "full_name": "=1+1", "phone": "-12"}, {}, FORMULA, None),
        ("a@x.com,  +cmd|' /C calc'!A0,(212) 555-0100\n",
         {**A, "full_name": "+cmd|' /C calc'!A0", "phone": "(212) 555-0100"}, {}, FORMULA, None),
        ("a@x.com,-12.5,+44 20 7946 0958\n", {**A, "full_name": "-12.5", "phone": "+44 20 7946 0958"}, {}, (),
         None),
        ("\x00,\x00,\x00\n", {}, {}, ("FIELD_NUL_REMOVED",), "ROW_EMPTY"),
        ("\x00a@x.com,Ann\x00,1,=x\x00\n", {**A, "full_name": "Ann", "phone": "1"}, {"_extra_1": "=x"},
         ("FIELD_NUL_REMOVED", "FORMULA_INJECTION", "ROW_RAGGED"), None),
    ],
    ids=["clean", "whitespace-and-zero-width", "nul-bytes", "ragged-short", "ragged-long",
         "trailing-empty-cells", "formula-equals", "formula-at-phone-kept", "formula-tab-prefix",
         "formula-plus-dde", "negative-and-phone-not-formula", "only-nuls-is-row-empty", "codes-sorted-once"],
)
def test_record_repairs(body: str, fields: dict[str, str], extra: dict[str, str], codes: tuple[str, ...],
                        error: str | None) -> None:
    _, records = read((HEADER + body).encode())
    (record,) = records
    assert (record.fields, record.extra, record.codes, record.error) == (fields, extra, codes, error)
    assert (record.detail is None) == (not codes and error is None)


def test_raw_keeps_the_original_with_nul_escaped() -> None:
    _, (record,) = read(b"email,name,phone\n a@x.com ,Jo\x00hn,555,extra\n")
    assert record.raw == {"email": " a@x.com ", "name": "Jo\\u0000hn", "phone": "555", "_extra_1": "extra"}


@pytest.mark.parametrize("quoted", [False, True], ids=["unquoted", "quoted-with-comma"])
def test_two_megabyte_field_is_truncated_but_kept_raw(quoted: bool) -> None:
    big = "x" * 1_000_000 + "," + "y" * 1_000_000 if quoted else "x" * 2_000_000
    cell = f'"{big}"' if quoted else big
    _, (record,) = read(f"email,notes\na@x.com,{cell}\n".encode(), max_field_chars=100)
    assert record.codes == ("FIELD_TRUNCATED",)
    assert record.extra["notes"] == big[:100] and record.raw["notes"] == big
    assert "2000001" in (record.detail or "") or "2000000" in (record.detail or "")


def test_blank_lines_are_not_records() -> None:
    data = b"\n\nemail,name\n\na@x.com,Ann\n   \n,,\n\t,\nb@x.com,Bob\n\n"
    _, records = read(data)
    assert [(r.record_no, r.fields["full_name"]) for r in records] == [(1, "Ann"), (2, "Bob")]
    assert count_records(data, filename="leads.csv") == 2


def test_duplicate_and_blank_headers_get_distinct_keys() -> None:
    info, (record,) = read(b"\xef\xbb\xbf\xe2\x80\x8bEmail,Email,,Email\na@x.com,b@x.com,c,d@x.com\n")
    assert info.headers == ["Email", "Email (2)", "_column_3", "Email (3)"]
    assert info.mapping == ["email", None, None, None]
    assert record.extra == {"Email (2)": "b@x.com", "_column_3": "c", "Email (3)": "d@x.com"}


def test_header_synonyms_and_unknown_columns_carried_along() -> None:
    info, (record,) = read(b"E-mail Address,Mobile,Surname,Company Name,Favourite Colour\n"
                           b"a@x.com,+447700900123,Smith,ACME,teal\n")
    assert info.mapping == ["email", "mobile", "last_name", "company", None]
    assert record.fields == {**A, "mobile": "+447700900123", "last_name": "Smith", "company": "ACME"}
    assert record.extra == {"Favourite Colour": "teal"}


def test_title_rows_above_the_header_are_skipped() -> None:
    data = b"Leads report\nGenerated 2024-05-01\n\nFirst Name,Last Name,Email\nAnn,Lee,a@x.com\n"
    info, records = read(data)
    assert info.headers == ["First Name", "Last Name", "Email"]
    assert [r.fields for r in records] == [{"first_name": "Ann", "last_name": "Lee", "email": "a@x.com"}]


# --- formats -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "fmt"),
    [
        (b"email\tname\na@x.com\tAnn\n", "leads.tsv", "tsv"),
        (b"email\tname\na@x.com\tAnn\n", "leads.csv", "tsv"),
        (b"email;name\na@x.com;Ann\n", "leads.csv", "csv"),
        (b'"email";"name";"notes, misc"\n"a@x.com";"Ann";"x, y"\n', "leads.txt", "csv"),
        (b"email|name\na@x.com|Ann\n", "leads", "csv"),
        (b"email,name\na@x.com,Ann\n", "leads.jsonl", "csv"),
        (b"sep=;\r\nemail;name\r\na@x.com;Ann\r\n", "excel.csv", "csv"),
        (b'{"email": "a@x.com", "name": "Ann"}\n', "upload.bin", "jsonl"),
        (b'[{"email": "a@x.com", "name": "Ann"}]', "leads.json", "jsonl"),
        (b'{\n  "email": "a@x.com",\n  "name": "Ann"\n}\n', "leads.json", "jsonl"),
    ],
    ids=["tsv", "tsv-named-csv", "semicolon", "semicolon-quoted-comma-header", "pipe-no-extension",
         "csv-named-jsonl", "excel-sep-line", "jsonl-sniffed", "json-array", "json-single-object"],
)
def test_formats(data: bytes, filename: str, fmt: str) -> None:
    info, records = read(data, filename)
    assert info.format == fmt
    assert [r.fields for r in records] == [{"email": "a@x.com", "full_name": "Ann"}]
    assert count_records(data, filename=filename) == 1


def test_jsonl_with_a_bad_line() -> None:
    data = (b'{"Email": "a@x.com", "Mobile": "+15550100", "score": 7, "tags": ["a", "b"], "x": null}\n'
            b"\n"
            b'{"Email": "b@x.com", oops}\n'
            b'["not", "an", "object"]\n'
            b'{"E-mail Address": "c@x.com", "Notes": "=1+2", "nul": "a\\u0000b"}\r\n'
            b"{}\n")
    info, records = read(data, "leads.jsonl")
    assert (info.format, info.headers) == ("jsonl", ["Email", "Mobile", "score", "tags", "x"])
    assert [(r.record_no, r.error) for r in records] == [
        (1, None), (2, "ROW_UNPARSEABLE"), (3, "ROW_UNPARSEABLE"), (4, None), (5, "ROW_EMPTY")]
    assert records[0].fields == {"email": "a@x.com", "mobile": "+15550100"}
    assert records[0].extra == {"score": "7", "tags": '["a", "b"]'}
    assert records[0].raw["x"] == ""
    assert records[1].raw == {"_line": '{"Email": "b@x.com", oops}'}
    assert (records[1].detail or "").startswith("line 3: invalid JSON: Expecting")
    assert records[3].fields == {"email": "c@x.com"} and records[3].extra == {"Notes": "=1+2", "nul": "ab"}
    assert records[3].codes == ("FIELD_NUL_REMOVED", "FORMULA_INJECTION")
    assert records[3].raw["nul"] == "a\\u0000b"
    assert count_records(data, filename="leads.jsonl") == 5


def test_json_array_streams_elements_and_flags_a_broken_tail() -> None:
    data = b'[\n {"email": "a@x.com"},\n 42,\n {"email": "b@x.com"},\n {"email": oops}\n]'
    _, records = read(data, "leads.json")
    assert [(r.record_no, r.error) for r in records] == [
        (1, None), (2, "ROW_UNPARSEABLE"), (3, None), (4, "ROW_UNPARSEABLE")]
    assert "line 5" in (records[3].detail or "")


def test_json_lone_surrogate_becomes_replacement_character() -> None:
    _, (record,) = read(b'{"email": "a@x.com", "name": "\\ud800x"}\n', "leads.jsonl")
    assert record.fields["full_name"] == "\ufffdx"


def test_xlsx_with_dates_numbers_and_a_title_row() -> None:
    data = xlsx([
        ["Campaign export"],
        [],
        ["Email", "Date of Birth", "Submitted At", "Employees", "Phone", "Score", "Consent Email"],
        ["a@x.com", dt.date(1990, 1, 2), dt.datetime(2024, 5, 1, 9, 30), 12345, 14155550100.0, 0.5, True],
        [],
        ["b@x.com", None, None, None, "=1+2"],  # a formula openpyxl never calculated: no cached value
        ["c@x.com", None, None, None, None, None, None, "surplus"],
    ])
    info, records = read(data, "leads.xlsx")
    assert (info.format, info.encoding) == ("xlsx", None)
    assert info.headers[:2] == ["Email", "Date of Birth"] and len(info.headers) == 7
    assert records[0].fields == {"email": "a@x.com", "date_of_birth": "1990-01-02",
                                 "submitted_at": "2024-05-01T09:30:00", "employee_count": "12345",
                                 "phone": "14155550100", "consent_email": "TRUE"}
    assert records[0].extra == {"Score": "0.5"} and records[0].codes == ()
    assert records[1].record_no == 2 and records[1].fields == {"email": "b@x.com"} and records[1].codes == ()
    assert records[2].codes == ("ROW_RAGGED",) and records[2].extra == {"_extra_1": "surplus"}
    assert count_records(data, filename="leads.xlsx") == 3


def test_xlsx_saved_with_a_csv_extension_is_read_as_xlsx() -> None:
    info, records = read(xlsx([["Email"], ["a@x.com"]]), "leads.csv")
    assert info.format == "xlsx" and records[0].fields == {"email": "a@x.com"}


# --- files rejected as a whole --------------------------------------------------------------------


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


GARBAGE = random.Random(7).randbytes(4096)


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "leads.csv", "FILE_EMPTY"),
        (b" \r\n\t\n", "leads.csv", "FILE_EMPTY"),
        (b"\n\n,,,\n", "leads.csv", "FILE_EMPTY"),
        (b"Email,Phone,First Name\r\n", "leads.csv", "FILE_EMPTY"),
        (b"Email,Phone\n\n\n", "leads.csv", "FILE_EMPTY"),
        (b"[]", "leads.json", "FILE_EMPTY"),
        (b"ann,lee,ann@x.com\nbob,ray,bob@x.com\n", "leads.csv", "FILE_NO_HEADER"),
        (b"\x89PNG\r\n\x1a\n" + GARBAGE, "leads.csv", "FILE_UNSUPPORTED_FORMAT"),
        (b"%PDF-1.7\n" + GARBAGE, "leads.pdf", "FILE_UNSUPPORTED_FORMAT"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + GARBAGE, "leads.xls", "FILE_UNSUPPORTED_FORMAT"),
        (b"<!DOCTYPE html><html><table></table></html>", "leads.xls", "FILE_UNSUPPORTED_FORMAT"),
        (_zip(["leads.csv"]), "leads.zip", "FILE_UNSUPPORTED_FORMAT"),
        (GARBAGE, "leads.csv", "FILE_UNREADABLE"),
        (xlsx([["Email"], ["a@x.com"]])[:700], "leads.xlsx", "FILE_UNREADABLE"),
        (_zip(["[Content_Types].xml", "xl/workbook.xml"]), "leads.xlsx", "FILE_UNREADABLE"),
        (b"[1, 2", "leads.json", "FILE_UNREADABLE"),
    ],
    ids=["zero-bytes", "whitespace", "blank-rows", "header-only", "header-then-blank-lines",
         "empty-json-array", "no-header", "png", "pdf", "legacy-xls", "html-as-xls", "zip-of-csv",
         "random-binary", "truncated-xlsx", "xlsx-without-sheets", "broken-json-array"],
)
def test_rejected_files(data: bytes, filename: str, code: str) -> None:
    with pytest.raises(FileRejected) as caught:
        read_lead_file(data, filename=filename)
    assert caught.value.code == code and caught.value.detail
    with pytest.raises(FileRejected):
        count_records(data, filename=filename)


# --- batch form -----------------------------------------------------------------------------------


def test_records_to_dataframe() -> None:
    _, records = read(b'email,name,Notes\na@x.com,Ann,hi\n"b@x.com\n')
    df = records_to_dataframe(records)
    assert list(df.columns) == ["record_no", *CANONICAL_FIELDS, "extra", "raw", "codes", "error", "detail"]
    assert df["record_no"].tolist() == [1, 2] and str(df["record_no"].dtype) == "int64"
    assert df["email"].tolist() == ["a@x.com", None] and df["phone"].tolist() == [None, None]
    assert df["extra"].tolist()[0] == {"Notes": "hi"} and df["codes"].tolist() == [[], []]
    assert df["error"].tolist() == [None, "ROW_UNPARSEABLE"]
    assert all(str(df[c].dtype) == "object" for c in CANONICAL_FIELDS)
    assert records_to_dataframe([]).shape == (0, len(CANONICAL_FIELDS) + 6)


# --- properties: never crash, number in order, never leak a NUL or a surrogate ----------------------


def check_invariants(data: bytes, filename: str) -> None:
    try:
        info, records = read_lead_file(data, filename=filename, max_field_chars=64)
        seen = [check_record(r) for r in records]
        expected = count_records(data, filename=filename)
    except FileRejected as rejected:  # a property: either records with these invariants, or a known refusal
        assert rejected.code in {"FILE_UNREADABLE", "FILE_EMPTY", "FILE_UNSUPPORTED_FORMAT", "FILE_NO_HEADER"}  # noqa: PT017
        return
    assert info.format in {"csv", "tsv", "jsonl", "xlsx"}
    assert seen == list(range(1, len(seen) + 1)) and len(seen) == expected >= 1


def check_record(record: ParsedRecord) -> int:
    for part in (record.fields, record.extra, record.raw):
        for text in (*part.keys(), *part.values()):
            assert isinstance(text, str) and "\x00" not in text
            text.encode("utf-8")  # no lone surrogates: Postgres and the output files need valid UTF-8
    cleaned = (*record.fields.values(), *record.extra.values())
    assert all(v and len(v) <= 64 and v == v.strip() for v in cleaned)
    assert list(record.codes) == sorted(set(record.codes))
    assert record.error in {None, "ROW_UNPARSEABLE", "ROW_EMPTY"}
    return record.record_no


FILENAMES = st.sampled_from(["leads.csv", "leads.tsv", "leads.txt", "leads.jsonl", "leads.json", "leads.xlsx",
                             "leads", "leads.pdf"])
NASTY = st.sampled_from(["\x00", "\u200f", "\u202e", "\ufeff", "\u200b", "\r", "\n", '"', ",", ";", "\t",
                         "=", "+", "-", "@", "\ud800", "\udfff", "é", "“", "\u2028", "{", "[", "\\"])
TEXT = st.one_of(
    st.text(st.one_of(st.characters(), NASTY), max_size=40),
    st.builds(lambda piece, n: piece * n, st.one_of(NASTY, st.just("x")), st.integers(0, 1_000_000)),
)
# "surrogatepass" writes lone surrogates as the invalid bytes some broken exporters produce.
ENCODINGS = st.sampled_from([("utf-8", "surrogatepass"), ("utf-8-sig", "surrogatepass"),
                             ("utf-16", "surrogatepass"), ("utf-16-le", "surrogatepass"),
                             ("utf-16-be", "surrogatepass"), ("utf-32", "surrogatepass"),
                             ("cp1252", "replace"), ("latin-1", "replace")])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), filename=FILENAMES)
def test_arbitrary_bytes_never_crash(data: bytes, filename: str) -> None:
    check_invariants(data, filename)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.lists(st.sampled_from(["Email", "Phone", "Name", "Notes", "E-mail Address", ""]) | TEXT,
                       min_size=1, max_size=4),
       rows=st.lists(st.lists(TEXT, max_size=5), max_size=6),
       delimiter=st.sampled_from([",", "\t", ";"]), newline=st.sampled_from(["\n", "\r\n", "\r"]),
       encoding=ENCODINGS, filename=FILENAMES)
def test_arbitrary_text_tables_never_crash(header: list[str], rows: list[list[str]], delimiter: str,
                                           newline: str, encoding: tuple[str, str], filename: str) -> None:
    text = newline.join(delimiter.join(cells) for cells in [header, *rows])
    check_invariants(text.encode(*encoding), filename)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.one_of(st.dictionaries(TEXT, JSON_VALUES, max_size=4).map(lambda d: ("json", d)),
                                TEXT.map(lambda t: ("text", t))), min_size=1, max_size=6),
       encoding=ENCODINGS)
def test_arbitrary_json_lines_never_crash(lines: list[tuple[str, object]], encoding: tuple[str, str]) -> None:
    text = "\n".join(json.dumps(v) if kind == "json" else str(v) for kind, v in lines)
    check_invariants(text.encode(*encoding), "leads.jsonl")


# --- XLSX from other writers: shared strings, namespace prefixes, and the fast count -----------------

_MAIN = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def handmade_xlsx(rows: str, shared: list[str]) -> bytes:
    """A minimal workbook as .NET writers make it: x:-prefixed tags, shared strings, no styles part."""
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/></Types>'),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"),
        "xl/workbook.xml": (f'<x:workbook {_MAIN} xmlns:r="{_REL}"><x:sheets>'
                            '<x:sheet name="Leads" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"),
        "xl/worksheets/sheet1.xml": f'<x:worksheet {_MAIN}><x:dimension ref="A1:B9"/><x:sheetData>{rows}'
                                    "</x:sheetData></x:worksheet>",
        "xl/sharedStrings.xml": f'<x:sst {_MAIN}>{"".join(shared)}</x:sst>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_handmade_xlsx_with_shared_strings_and_prefixed_tags() -> None:
    shared = ["<x:si><x:t>Email</x:t></x:si>", "<x:si><x:t>Name</x:t></x:si>",
              "<x:si><x:t>a@x.com</x:t></x:si>",
              '<x:si><x:t xml:space="preserve">   </x:t></x:si>',
              "<x:si><x:r><x:t>b@</x:t></x:r><x:r><x:t>x.com</x:t></x:r>"
              '<x:rPh sb="0" eb="2"><x:t>phonetic</x:t></x:rPh></x:si>']
    rows = ('<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c></x:row>'
            '<x:row r="2"><x:c r="A2" t="s"><x:v>2</x:v></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>Ann</x:t>'
            "</x:is></x:c></x:row>"
            '<x:row r="3"><x:c r="B3" t="s"><x:v>3</x:v></x:c></x:row>'  # whitespace only: blank
            '<x:row r="4"/>'
            '<x:row r="5"><x:c r="B5"><x:v>42</x:v></x:c></x:row>'
            '<x:row r="6"><x:c r="A6" t="str"><x:f>B3</x:f><x:v></x:v></x:c></x:row>'  # formula, empty result
            '<x:row r="7" spans="1:2"><x:c r="A7" t="s"><x:v>4</x:v></x:c></x:row>'
            '<x:row r="8"><x:c r="A8" t="inlineStr"><x:is><x:t>&#32;&#32;</x:t></x:is></x:c></x:row>')
    data = handmade_xlsx(rows, shared)
    info, records = read(data, "export.xlsx")
    assert info.headers == ["Email", "Name"]
    assert [r.fields for r in records] == [{"email": "a@x.com", "full_name": "Ann"}, {"full_name": "42"},
                                           {"email": "b@x.com"}]
    assert count_records(data, filename="export.xlsx") == 3


@pytest.mark.parametrize("blank_every", [0, 3], ids=["dense", "with-blank-rows"])
def test_xlsx_fast_count_matches_the_reader(blank_every: int) -> None:
    rows: list[list[object]] = [["Report"], ["First Name", "Email", "Notes"]]
    for i in range(60):
        rows.append(["   ", None] if blank_every and i % blank_every == 0 else [f"n{i}", f"e{i}@x.com", i])
    data = xlsx(rows)
    _, records = read(data, "leads.xlsx")
    assert count_records(data, filename="leads.xlsx") == len(records) == (40 if blank_every else 60)


def test_record_from_mapping_reads_an_api_item_like_a_json_line() -> None:
    from leadgate_dagster.core.file_reader import record_from_mapping

    record = record_from_mapping({"E-mail Address": " a@x.com ", "Notes": "=1+2", "n": 3}, record_no=4)
    assert (record.record_no, record.fields) == (4, {"email": "a@x.com"})
    assert record.extra == {"Notes": "=1+2", "n": "3"}
    assert record.codes == ("FORMULA_INJECTION",)
    assert record_from_mapping(["not", "a", "mapping"], record_no=1).error == "ROW_UNPARSEABLE"


def test_an_unclear_opt_out_answer_is_quoted_within_the_field_limit() -> None:
    """Found by the property test above: a list in an opt-out column made a consent value over the limit."""
    line = json.dumps({"EMAILUNSUBSCRIBED": ["a" * 30, "b" * 30], "email": "ann@northwind.com"})
    _, [record] = read_lead_file(line.encode(), filename="leads.jsonl", max_field_chars=64)
    consent = record.fields["consent_email"]
    assert consent.startswith("opt-out column says") and len(consent) <= 64
