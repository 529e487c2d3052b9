"""`leadgate qa`: one output row per input record, in order, with the contract's columns; INPUT untouched."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from leadgate_dagster.cli import main
from leadgate_dagster.core.reasons import CATALOGUE
from tests.awkward_values import CARRIED, NOTES, assert_carried, input_csv, read_back

CONTRACT = ["row", "disposition", "score", "reason_codes", "reasons_text", "email_status", "email_flags", "phone_e164",
            "phone_status", "person_id", "duplicate_of"]
DISPOSITIONS = {"ROUTE_SDR", "ROUTE_AE", "NURTURE_EMAIL_ONLY", "QUARANTINE_REVIEW", "REJECT"}


def _run(tmp_path: Path, name: str, data: bytes, pg_url: str) -> tuple[int, list[dict[str, str]]]:
    src, out = tmp_path / name, tmp_path / "out.csv"
    src.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    code = main(["qa", str(src), "--out", str(out), "--database-url", pg_url])
    assert hashlib.sha256(src.read_bytes()).hexdigest() == digest  # INPUT is never changed
    rows = list(csv.DictReader(out.open(encoding="utf-8"))) if out.exists() else []
    return code, rows


def test_qa_writes_one_row_per_record_in_order(tmp_path, pg_url, engine) -> None:
    data = ("First Name,Last Name,Email,Phone,Country,Favourite Colour\n"
            "Ann,Lee,ann.lee@northwind.com,+1 212 288 8104,US,teal\n"
            "asdf,asdf,test@mailinator.com,12,US,\n"
            "\n"
            "José,García,jose@@x,,ES,=1+1\n"
            "Ann,Lee,ANN.LEE@northwind.com,,US,red\n").encode()
    code, rows = _run(tmp_path, "in.csv", data, pg_url)
    assert code == 0
    assert [r["row"] for r in rows] == ["1", "2", "3", "4"]  # the blank line is not a record
    assert set(CONTRACT) <= set(rows[0]) and "Favourite Colour" in rows[0]  # unknown columns carried along
    assert list(rows[0])[:5] == CONTRACT[:5]  # reasons_text right after reason_codes
    for r in rows:  # each code's catalogue sentence, in the codes' order
        codes = r["reason_codes"].split(";") if r["reason_codes"] else []
        assert r["reasons_text"] == " | ".join(CATALOGUE[c].sentence if c in CATALOGUE else c for c in codes)
    assert rows[2]["reasons_text"]
    assert all(r["disposition"] in DISPOSITIONS and 0 <= int(r["score"]) <= 100 for r in rows)
    # offline DNS cannot vouch for northwind.com: an honest "unknown" with its reason, not a rejection
    assert rows[0]["email_status"] == "unknown" and "EMAIL_DOMAIN_UNVERIFIED" in rows[0]["reason_codes"]
    assert rows[0]["phone_e164"] == "+12122888104" and rows[0]["disposition"] != "REJECT"
    assert rows[2]["email_status"] == "invalid" and rows[2]["reason_codes"]
    assert rows[3]["person_id"] == rows[0]["person_id"] and rows[3]["duplicate_of"] == "1"
    assert rows[2]["Favourite Colour"] == "'=1+1"  # stored as given, escaped only in the CSV output


def test_qa_names_the_columns_it_does_not_use(tmp_path, pg_url, engine, capsys) -> None:
    data = b"Email,Opted In?,Favourite Colour,Lead Score\nann.lee@northwind.com,yes,teal,7\n"
    code, rows = _run(tmp_path, "in.csv", data, pg_url)
    assert code == 0 and rows[0]["Favourite Colour"] == "teal"
    assert "unmapped columns (kept in extra, not used): Favourite Colour, Lead Score" in capsys.readouterr().err


def test_unparseable_jsonl_line_is_a_rejected_record(tmp_path, pg_url, engine) -> None:
    lines = [json.dumps({"email": "a@northwind.com", "first_name": "A"}), "{not json", "",
             json.dumps({"email": "b@northwind.com"})]
    code, rows = _run(tmp_path, "in.jsonl", "\n".join(lines).encode(), pg_url)
    assert code == 0 and [r["row"] for r in rows] == ["1", "2", "3"]
    assert rows[1]["disposition"] == "REJECT" and "ROW_UNPARSEABLE" in rows[1]["reason_codes"].split(";")


def test_replayed_record_gets_its_original_results_plus_a_replay_code(tmp_path, pg_url, engine) -> None:
    data = b"Lead ID,Email,Phone\n7,ann.lee@northwind.com,+1 212 288 8104\n7,ann.lee@northwind.com,+1 212 288 8104\n"
    _, rows = _run(tmp_path, "in.csv", data, pg_url)
    first, replay = rows
    assert replay["disposition"] == first["disposition"] and replay["email_status"] == first["email_status"]
    assert "INTAKE_REPLAY" in replay["reason_codes"].split(";") and replay["duplicate_of"] == "1"


@pytest.mark.parametrize("data", [b"", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300)], ids=["empty", "png"])
def test_unreadable_file_exits_2_with_one_line(tmp_path, pg_url, capsys, data) -> None:
    code, rows = _run(tmp_path, "in.csv", data, pg_url)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and rows == [] and len(err) == 1 and "Traceback" not in err[0]


def test_qa_ignores_the_environment_database_and_uses_a_throwaway_one(tmp_path, pg_url, engine, monkeypatch) -> None:
    import sqlalchemy as sa

    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)  # "production"
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(b"Email\nann.lee@northwind.com\n")
    assert main(["qa", str(src), "--out", str(out)]) == 0
    assert len(list(csv.DictReader(out.open()))) == 1
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM leadgate.intake_events")).scalar_one() == 0


def test_output_reads_back_as_one_row_per_record_whatever_the_values(tmp_path, pg_url, engine) -> None:
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    input_csv(src, ["Email", "Notes"], [[f"n{i}@northwind.com", v] for i, v in enumerate(NOTES)])
    assert main(["qa", str(src), "--out", str(out), "--database-url", pg_url]) == 0
    rows = read_back(out)
    assert [r["row"] for r in rows] == [str(i) for i in range(1, len(NOTES) + 1)]
    assert_carried([r["Notes"] for r in rows], CARRIED)


def test_qa_routes_with_the_owners_and_accounts_given(tmp_path, pg_url, engine, capsys) -> None:
    (tmp_path / "owners.csv").write_text("email,name,role,regions\nca@x.com,Cal,sdr,US-CA\nae@x.com,Abe,ae,\n")
    (tmp_path / "accounts.csv").write_text("id,name,domains\nNW-1,Northwind Traders,northwind.com\n")
    data = (b"First Name,Last Name,Email,Phone,City,State,Zip,Country,Email Opt-In,Call Opt-In,Consent At,"
            b"Demo Requested\n"
            b"Ann,Lee,ann.lee@northwind.com,+1 415 555 2671,San Francisco,CA,94107,US,yes,yes,2026-01-01,\n"
            b"Bo,Ek,bo.ek@northwind.com,+1 415 555 2672,San Francisco,CA,94107,US,yes,yes,2026-01-01,yes\n"
            b"Cy,Ng,cy.ng@northwind.com,+1 512 555 2673,Austin,TX,73301,US,yes,yes,2026-01-01,\n")
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(data)
    assert main(["qa", str(src), "--out", str(out), "--database-url", pg_url, "--owners",
                 str(tmp_path / "owners.csv"), "--accounts", str(tmp_path / "accounts.csv")]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    got = [(r["disposition"], r["owner_email"], r["owner_rule"], r["account_id"], r["account_match"],
            r["account_match_confidence"]) for r in rows]
    assert got == [("ROUTE_SDR", "ca@x.com", "territory:region", "NW-1", "email_domain", "100"),
                   ("ROUTE_AE", "ae@x.com", "territory:everything", "NW-1", "email_domain", "100"),
                   ("ROUTE_SDR", "", "", "NW-1", "email_domain", "100")]
    assert "NO_OWNER" in rows[2]["reason_codes"] and "no active owner covers" in rows[2]["reasons_text"]
    (tmp_path / "bad.csv").write_text("email,name,role\nnot-an-email,X,boss\n")
    assert main(["qa", str(src), "--out", str(tmp_path / "o2.csv"), "--database-url", pg_url, "--owners",
                 str(tmp_path / "bad.csv")]) == 2
    assert "row 1: role: 'boss' is not one of sdr, ae" in capsys.readouterr().err
