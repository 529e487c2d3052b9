"""`leadgate review list / show / act` against the test database: the JSON shapes a script relies on, filters,
and the exit codes that tell done, unknown, invalid and "someone else was first" apart."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from leadgate_dagster.cli import main
from leadgate_dagster.core.ruleset import load_ruleset
from tests.gate.review_helpers import BAD_EMAIL, NO_CONSENT_DE, ROUTED, decide, history

RULES = load_ruleset()


@pytest.fixture
def queue(engine: sa.Engine, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    return decide(engine, RULES, ROUTED, NO_CONSENT_DE, BAD_EMAIL)


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_list_json_is_an_array_of_items_with_the_documented_fields(queue: dict[str, str], capsys) -> None:
    found = _json(capsys, "review", "list", "--json")
    assert isinstance(found, list) and len(found) == 2
    assert {"id", "kind", "status", "priority", "lead_id", "reason_codes"} <= set(found[0])
    assert all(i["id"] == i["review_id"] for i in found)
    assert {(i["lead_id"], tuple(i["reason_codes"])) for i in found} == {
        (queue["de"], ("CONSENT_UNKNOWN",)), (queue["bad"], ("EMAIL_INVALID",))}
    assert all(i["kind"] == "quarantine" and i["status"] == "open" for i in found)
    only = _json(capsys, "review", "list", "--json", "--reason", "EMAIL_INVALID", "--source", "web")
    assert [i["lead_id"] for i in only] == [queue["bad"]]
    assert _json(capsys, "review", "list", "--json", "--kind", "merge_candidate") == []
    assert len(_json(capsys, "review", "list", "--json", "--limit", "1")) == 1
    assert main(["review", "list"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:4] == ["id", "kind", "status", "priority"] and len(table) == 3


def test_act_then_show_and_list_by_status_and_assignee(queue: dict[str, str], engine: sa.Engine, capsys) -> None:
    [item] = _json(capsys, "review", "list", "--json", "--reason", "EMAIL_INVALID")
    rid = str(item["review_id"])
    taken = _json(capsys, "review", "act", rid, "assign", "--actor", "kim", "--json")
    assert (taken["status"], taken["assignee"], taken["version"]) == ("in_progress", "reviewer:kim", 1)
    mine = _json(capsys, "review", "list", "--json", "--assignee", "reviewer:kim")
    assert [i["review_id"] for i in mine] == [item["review_id"]]
    done = _json(capsys, "review", "act", rid, "route", "--to", "ROUTE_AE", "--note", "AE owns the account",
                 "--actor", "kim", "--json")
    assert (done["status"], done["disposition"], done["disposition_changed"]) == ("resolved", "ROUTE_AE", True)
    assert history(engine, queue["bad"])[-1] == ("ROUTE_AE", "reviewer:kim", True)
    shown = _json(capsys, "review", "show", rid, "--json")
    assert (shown["status"], shown["resolution"], shown["disposition"]) == ("resolved", "route", "ROUTE_AE")
    assert [(d["action"], d["actor"], d["note"]) for d in shown["decisions"]] == [
        ("assign", "reviewer:kim", None), ("route", "reviewer:kim", "AE owns the account")]
    assert shown["decisions"][1]["before"]["disposition"] == "QUARANTINE_REVIEW"
    resolved = _json(capsys, "review", "list", "--json", "--status", "resolved")
    assert [i["review_id"] for i in resolved] == [item["review_id"]]
    assert main(["review", "show", rid]) == 0
    text = capsys.readouterr().out
    assert "resolution" in text and "route      by reviewer:kim  (AE owns the account)" in text


def test_act_exit_codes_say_why_nothing_was_done(queue: dict[str, str], capsys) -> None:
    [item] = _json(capsys, "review", "list", "--json", "--reason", "CONSENT_UNKNOWN")
    rid = str(item["review_id"])
    assert main(["review", "act", rid, "route", "--to", "ROUTE_SDR"]) == 2
    assert "route needs a note saying why" in capsys.readouterr().err
    assert main(["review", "act", "987654", "verify"]) == 1
    assert "review item 987654 does not exist" in capsys.readouterr().err
    assert main(["review", "act", rid, "reject", "--actor", "lee"]) == 0
    assert main(["review", "act", rid, "verify", "--actor", "kim"]) == 3
    assert "is already resolved by reviewer:lee" in capsys.readouterr().err
    assert main(["review", "show", "987654"]) == 1
