from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from leadgate_dagster.cli import dedupe
from leadgate_dagster.cli.dedupe import dedupe_command
from tests.awkward_values import CARRIED, NOTES, assert_carried, input_csv, read_back

HEADER = "Lead ID,First Name,Surname,E-mail Address,Phone Number,Company Name\n"
ROWS = [
    "A1,William,Smith,w.smith@acme.com,(415) 555-0134,Acme Inc.\n",
    "A2,Ann,Lee,ann.lee@beta.io,,Beta\n",
    "A3,Bill,Smith,W.Smith@Acme.com,,ACME\n",
    "A4,Mark,Jones,,+1 212 555 0100,Gamma\n",
    "A5,Maria,Jones,,212-555-0100,Gamma\n",
]


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def leads_csv(tmp_path: Path) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    return path


def test_dedupe_writes_one_row_per_record_in_order(leads_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert dedupe_command(str(leads_csv), str(out), "Lead ID", None) == 0
    rows = read(out)
    assert list(rows[0]) == ["id", "person_id", "decision"]
    assert [r["id"] for r in rows] == ["A1", "A2", "A3", "A4", "A5"]
    # A4 and A5 share a household line, nothing else says one person: two people, no review item
    assert [r["decision"] for r in rows] == ["new", "new", "auto_merge", "new", "new"]
    assert rows[0]["person_id"] == rows[2]["person_id"] != rows[1]["person_id"]
    assert rows[3]["person_id"] != rows[4]["person_id"]


def test_dedupe_numbers_records_and_writes_pairs(leads_csv: Path, tmp_path: Path) -> None:
    out, pairs = tmp_path / "out.csv", tmp_path / "pairs.csv"
    assert dedupe_command(str(leads_csv), str(out), None, str(pairs)) == 0
    assert [r["id"] for r in read(out)] == ["1", "2", "3", "4", "5"]
    judged = read(pairs)
    assert list(judged[0]) == ["id_l", "id_r", "tier", "probability", "decision", "explanation"]
    by_pair = {(p["id_l"], p["id_r"]): p for p in judged}
    assert by_pair[("1", "3")]["decision"] == "auto_merge" and by_pair[("1", "3")]["tier"] == "A"
    assert (
        by_pair[("4", "5")]["decision"] == "no_match" and "names conflict" in by_pair[("4", "5")]["explanation"]
    )
    assert 0.0 <= float(by_pair[("1", "3")]["probability"]) <= 1.0


def test_dedupe_summarises_on_stderr(leads_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, pairs = tmp_path / "out.csv", tmp_path / "pairs.csv"
    assert dedupe_command(str(leads_csv), str(out), "Lead ID", str(pairs)) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    summary = captured.err
    assert "5 records" in summary and "4 persons" in summary and "1 auto-merged" in summary
    assert "0 pair(s) to review" in summary and re.search(r"in \d+\.\d+s", summary)
    assert str(out) in summary and str(pairs) in summary


def test_unparseable_record_keeps_its_own_person(tmp_path: Path) -> None:
    path = tmp_path / "leads.jsonl"
    path.write_text(
        '{"email": "ann@beta.io", "first_name": "Ann"}\n{broken json\n'
        '{"email": "ann@beta.io", "first_name": "Ann"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert dedupe_command(str(path), str(out), None, None) == 0
    rows = read(out)
    assert [r["decision"] for r in rows] == ["new", "new", "auto_merge"]
    assert len({rows[0]["person_id"], rows[1]["person_id"]}) == 2


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\x03binary\xff\xfe"], ids=["empty", "binary"])
def test_unreadable_file_exits_2_with_one_line(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    assert dedupe_command(str(path), str(tmp_path / "out.csv"), None, None) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


def test_missing_input_exits_2(tmp_path: Path) -> None:
    assert dedupe_command(str(tmp_path / "nope.csv"), str(tmp_path / "out.csv"), None, None) == 2


def test_reading_in_chunks_changes_nothing(
    leads_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, chunked = tmp_path / "whole.csv", tmp_path / "chunked.csv"
    assert dedupe_command(str(leads_csv), str(whole), "Lead ID", str(tmp_path / "p1.csv")) == 0
    monkeypatch.setattr(dedupe, "_READ_CHUNK", 2)
    assert dedupe_command(str(leads_csv), str(chunked), "Lead ID", str(tmp_path / "p2.csv")) == 0
    assert read(chunked) == read(whole)
    assert read(tmp_path / "p2.csv") == read(tmp_path / "p1.csv")


def test_id_column_found_in_a_later_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSONL file whose first records lack the id field: the column exists, those records are numbered."""
    path = tmp_path / "leads.jsonl"
    path.write_text(
        '{"email": "ann@beta.io"}\n{"email": "bob@beta.io"}\n{"email": "cy@beta.io", "crm_id": "C-3"}\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(dedupe, "_READ_CHUNK", 2)
    out = tmp_path / "out.csv"
    assert dedupe_command(str(path), str(out), "crm_id", None) == 0
    assert [r["id"] for r in read(out)] == ["1", "2", "C-3"]
    assert dedupe_command(str(path), str(out), "nope", None) == 2


def test_output_and_pairs_read_back_as_one_row_per_record_whatever_the_ids(tmp_path: Path) -> None:
    src, out, pairs = tmp_path / "leads.csv", tmp_path / "out.csv", tmp_path / "pairs.csv"
    rows = [[v, "Ann", "Lee", "ann@beta.io"] for v in NOTES]  # one person, so every id is in some pair
    input_csv(src, ["Notes", "First Name", "Last Name", "Email"], rows)
    assert dedupe_command(str(src), str(out), "Notes", str(pairs)) == 0
    ids = [r["id"] for r in read_back(out)]
    assert_carried(ids, CARRIED)
    judged = read_back(pairs)
    assert judged and {p["id_l"] for p in judged} | {p["id_r"] for p in judged} == set(ids)


def test_secondary_email_column_joins_records_and_explain_model_prints_parameters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("First Name,Last Name,Email,Secondary Email\n"
                    "Ann,Lee,ann@work.io,ann.lee@gmail.com\n"
                    "Ann,Lee,ann.lee@gmail.com,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert dedupe_command(str(path), str(out), None, None, explain_model=True) == 0
    assert [r["decision"] for r in read(out)] == ["new", "auto_merge"]
    err = capsys.readouterr().err
    assert "model v2" in err and "not estimated" in err and "blocking rules: pairs proposed / bound" in err
