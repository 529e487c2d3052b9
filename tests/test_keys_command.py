"""`leadgate keys` / `leadgate webhooks`: a key is printed once and works; list never shows a secret; revoke
and retire take effect at once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from leadgate_dagster.api.app import app
from leadgate_dagster.cli import main


@pytest.fixture
def cli_db(pg_url: str, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> sa.Engine:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    return engine


def test_a_key_is_printed_once_works_and_is_revoked(cli_db: sa.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "add", "webinar", "--partner", "P-1"]) == 0
    out, err = capsys.readouterr()
    key = out.strip()
    assert key.startswith("lg_") and len(key) >= 35 and "shown once" in err
    client = TestClient(app)
    assert client.post("/v1/leads", json={"email": "a@northwind.com"}, headers={"X-API-Key": key}).status_code == 202
    assert main(["keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert "webinar\tP-1\tintake" in listing and key not in listing
    key_id = listing.splitlines()[1].split("\t")[0]
    assert main(["keys", "revoke", key_id]) == 0 and main(["keys", "revoke", key_id]) == 1
    assert client.post("/v1/leads", json={"email": "b@northwind.com"}, headers={"X-API-Key": key}).status_code == 401
    capsys.readouterr()
    assert main(["keys", "list"]) == 0
    [row] = capsys.readouterr().out.splitlines()[1:]
    assert row.startswith(f"{key_id}\twebinar") and "\trevoked " in row


def test_a_key_with_an_unknown_scope_is_refused(cli_db: sa.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):  # argparse: invalid choice
        main(["keys", "add", "x", "--scope", "admin"])
    assert main(["keys", "add", " "]) == 2 and "needs a source" in capsys.readouterr().err


def test_webhook_secrets_rotate_two_at_a_time(cli_db: sa.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    secrets = []
    for _ in range(3):
        assert main(["webhooks", "add", "typeform"]) == 0
        secrets.append(capsys.readouterr())
    assert all(out.startswith("whsec_") for out, _ in secrets) and "retired whs_" in secrets[2][1]
    assert main(["webhooks", "list"]) == 0
    listing = capsys.readouterr().out
    assert listing.count("\tvalid") == 2 and listing.count("\tretired") == 1
    assert not any(out.strip() in listing for out, _ in secrets)
    valid = [line.split("\t")[0] for line in listing.splitlines() if line.endswith("valid")]
    assert main(["webhooks", "retire", valid[0]]) == 0 and main(["webhooks", "retire", valid[0]]) == 1
