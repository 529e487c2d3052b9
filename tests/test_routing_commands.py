"""`leadgate owners import|list` and `leadgate accounts import|list`: CSV or XLSX, all or nothing with every
problem printed (exit 2), JSON shapes a script relies on."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from leadgate_dagster.cli import main

OWNERS_CSV = """email,name,role,countries,regions,postal_prefixes,daily_capacity,timezone,working_hours
ann@x.com,Ann,sdr,US,CA;NY,,40,America/New_York,mon-fri 09:00-17:00
queue@x.com,SDR queue,sdr,,,,,,
ae@x.com,Abe,ae,US,,,10,,
"""


@pytest.fixture
def db(engine: sa.Engine, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> sa.Engine:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    return engine


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_owners_import_then_list(db: sa.Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "owners.csv"
    path.write_text(OWNERS_CSV)
    assert main(["owners", "import", str(path)]) == 0
    assert "3 new, 0 updated" in capsys.readouterr().out
    listed = _json(capsys, "owners", "list", "--json")
    assert [o["email"] for o in listed] == ["ae@x.com", "ann@x.com", "queue@x.com"]
    ann = listed[1]
    assert (ann["regions"], ann["daily_capacity"], ann["load"], ann["label"]) == (
        ["US-CA", "US-NY"], 40, 0, "territory:region+country")
    assert main(["owners", "list"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["email", "role", "territory"] and len(table) == 4
    assert "everything else" in table[3] and "any time" in table[3]


def test_an_xlsx_roster_and_a_deactivation(db: sa.Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Email", "Name", "Role", "Active"], ["ann@x.com", "Ann", "sdr", "yes"], ["bo@x.com", "Bo", "sdr", 1]):
        sheet.append(row)
    book.save(tmp_path / "owners.xlsx")
    assert main(["owners", "import", str(tmp_path / "owners.xlsx")]) == 0
    (tmp_path / "off.csv").write_text("email,name,role,active\nann@x.com,Ann,sdr,no\n")
    assert main(["owners", "import", str(tmp_path / "off.csv")]) == 0
    assert "1 left their leads (ann@x.com)" in capsys.readouterr().out
    assert [o["email"] for o in _json(capsys, "owners", "list", "--json")] == ["bo@x.com"]
    everyone = _json(capsys, "owners", "list", "--json", "--all")
    assert [(o["email"], o["active"], o["deactivated_at"] is not None) for o in everyone] == [
        ("ann@x.com", False, True), ("bo@x.com", True, False)]


def test_a_bad_file_writes_nothing_and_says_every_problem(db: sa.Engine, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "owners.csv"
    path.write_text(OWNERS_CSV + "bob@,Bob,manager,,,,,,\n")
    assert main(["owners", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "row 4: email: 'bob@' is not an email address" in err and "row 4: role: 'manager' is not one of" in err
    assert "2 problem(s), nothing written" in err
    with db.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM leadgate.owners")).scalar() == 0


def test_accounts_import_then_list(db: sa.Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "owners.csv").write_text(OWNERS_CSV)
    assert main(["owners", "import", str(tmp_path / "owners.csv")]) == 0
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("id,name,domains,website,owner,segment\n"
                        "A1,Acme Inc.,acme.com;acme.de,https://www.acme.com,ae@x.com,enterprise\n"
                        "A2,Globex,,globex.com,,\n")
    assert main(["accounts", "import", str(accounts)]) == 0
    assert "2 new, 0 updated" in capsys.readouterr().out
    listed = _json(capsys, "accounts", "list", "--json")
    assert [(a["account_id"], a["domains"], a["owner_email"]) for a in listed] == [
        ("A1", ["acme.com", "acme.de"], "ae@x.com"), ("A2", ["globex.com"], None)]
    clash = tmp_path / "clash.csv"
    clash.write_text("id,name,domains,owner\nB1,Acme Again,acme.de,ghost@x.com\n")
    assert main(["accounts", "import", str(clash)]) == 2
    err = capsys.readouterr().err
    assert "row 1: domains: acme.de already belongs to account A1" in err
    assert "row 1: owner: ghost@x.com is not in the owners table (import the owners first)" in err
    assert len(_json(capsys, "accounts", "list", "--json")) == 2
