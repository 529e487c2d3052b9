"""`leadgate users`: a password typed twice (or read from stdin) signs in; list shows no hash; disable and
reset-password end the user's sessions."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from leadgate_dagster.cli import main
from leadgate_dagster.gate import console_sessions
from leadgate_dagster.gate.console_accounts import check_password


@pytest.fixture
def cli_db(pg_url: str, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> sa.Engine:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    return engine


def test_add_list_disable_and_reset(cli_db: sa.Engine, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    typed = iter(["kim's long password", "kim's long password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert main(["users", "add", "kim", "--role", "admin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("lee's long password\n"))
    assert main(["users", "add", "lee", "--role", "reviewer", "--password-stdin"]) == 0
    kim = check_password(cli_db, "kim", "kim's long password", client="127.0.0.1")
    assert kim is not None and kim.is_admin
    assert check_password(cli_db, "lee", "lee's long password", client="127.0.0.1") is not None
    capsys.readouterr()
    assert main(["users", "list"]) == 0
    listing = capsys.readouterr().out
    assert "kim\tadmin\tactive" in listing and "lee\treviewer\tactive" in listing and "argon2" not in listing
    token = console_sessions.start(cli_db, kim)
    monkeypatch.setattr("sys.stdin", io.StringIO("kim's new long password\n"))
    assert main(["users", "reset-password", "kim", "--password-stdin"]) == 0
    assert "1 sessions ended" in capsys.readouterr().out
    assert console_sessions.account_of(cli_db, token) is None
    assert check_password(cli_db, "kim", "kim's new long password", client="127.0.0.1") is not None
    assert main(["users", "disable", "lee"]) == 0 and main(["users", "disable", "nobody"]) == 1
    assert check_password(cli_db, "lee", "lee's long password", client="127.0.0.1") is None


def test_mismatched_or_short_passwords_are_refused(cli_db: sa.Engine, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    typed = iter(["one long password", "another long password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert main(["users", "add", "kim", "--role", "reviewer"]) == 2
    assert "differ" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "add", "kim", "--role", "reviewer", "--password-stdin"]) == 2
    assert "at least 12 characters" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["users", "add", "kim", "--role", "owner", "--password-stdin"])
