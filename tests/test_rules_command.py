"""`leadgate rules`: activation records version, hash, author and reason; diff names each changed setting;
the pipeline judges with the activated ruleset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from leadgate_dagster.cli import main
from leadgate_dagster.core.ruleset import load_ruleset


def _variant(tmp_path: Path, version: str, threshold: float) -> Path:
    body = load_ruleset().body
    body["version"] = version
    body["alerts"]["rejection_rate_threshold"] = threshold
    path = tmp_path / f"{version}.yaml"
    path.write_text(yaml.safe_dump(body))
    return path


def test_activate_records_who_why_and_which(tmp_path, pg_url, engine, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    first, second = _variant(tmp_path, "t-1", 0.15), _variant(tmp_path, "t-2", 0.30)
    assert main(["rules", "activate", str(first), "--reason", "baseline", "--author", "ops@acme"]) == 0
    assert main(["rules", "activate", str(second), "--reason", "partner X is noisy", "--author", "ops@acme"]) == 0
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT version, author, reason, is_active, content_hash FROM leadgate.rulesets ORDER BY activated_at")).all()
    assert [(r.version, r.is_active) for r in rows] == [("t-1", False), ("t-2", True)]
    assert rows[1].reason == "partner X is noisy" and rows[1].author == "ops@acme"
    assert rows[1].content_hash == load_ruleset(second).content_hash
    capsys.readouterr()
    assert main(["rules", "show"]) == 0
    assert capsys.readouterr().out.startswith("t-2 ")
    assert main(["rules", "diff", "t-1", "t-2"]) == 0  # activated versions, by name
    out = capsys.readouterr().out.splitlines()
    assert "~ alerts.rejection_rate_threshold: 0.15 -> 0.3" in out and "~ version: 't-1' -> 't-2'" in out


def test_diff_of_two_files_and_of_identical_ones(tmp_path, capsys) -> None:
    a = _variant(tmp_path, "a", 0.15)
    assert main(["rules", "diff", str(a), str(a)]) == 0
    assert capsys.readouterr().out.strip() == "no differences"


def test_an_activated_ruleset_judges_the_next_batch(tmp_path, pg_url, engine, monkeypatch) -> None:
    from leadgate_dagster.resources.db import PostgresResource
    from leadgate_dagster.resources.rules import RulesResource

    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    assert main(["rules", "activate", str(_variant(tmp_path, "t-9", 0.5)), "--reason", "test"]) == 0
    assert RulesResource(db=PostgresResource(url=pg_url)).active().version == "t-9"


def test_an_override_file_names_only_what_it_changes(tmp_path) -> None:
    path = tmp_path / "override.yaml"
    path.write_text("version: o-1\nalerts:\n  rejection_rate_threshold: 0.1\n")
    override, shipped = load_ruleset(path), load_ruleset()
    assert override.version == "o-1" and override.alerts.rejection_rate_threshold == 0.1
    assert override.alerts.rejection_rate_window == shipped.alerts.rejection_rate_window
    assert override.intake == shipped.intake and override.content_hash != shipped.content_hash


def _bad_override(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text("version: b-1\nalerts:\n  rejection_rate_treshold: 0.2\n"
                    "intake:\n  replay_window_hours: soon\n")
    return path


def test_check_prints_ok_with_version_and_hash(tmp_path, capsys) -> None:
    path = _variant(tmp_path, "c-1", 0.2)
    assert main(["rules", "check", str(path)]) == 0
    assert capsys.readouterr().out == f"ok: c-1 {load_ruleset(path).content_hash}\n"


def test_check_lists_each_problem_with_its_key_and_line(tmp_path, capsys) -> None:
    assert main(["rules", "check", str(_bad_override(tmp_path))]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "alerts.rejection_rate_treshold (line 3): unknown key",
        ("intake.replay_window_hours (line 5): Input should be a valid number, unable to parse string as a "
         "number")]


def test_check_of_an_unreadable_or_non_yaml_file_exits_2(tmp_path, capsys) -> None:
    assert main(["rules", "check", str(tmp_path / "missing.yaml")]) == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: [unclosed\n")
    assert main(["rules", "check", str(broken)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_activate_refuses_a_ruleset_that_does_not_parse(tmp_path, pg_url, engine, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    assert main(["rules", "activate", str(_bad_override(tmp_path)), "--reason", "typo"]) == 1
    err = capsys.readouterr().err
    assert "alerts.rejection_rate_treshold (line 3): unknown key" in err and "Traceback" not in err
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM leadgate.rulesets")).scalar() == 0


def test_a_stored_ruleset_that_no_longer_parses_is_reported_never_replaced(pg_url, engine, monkeypatch,
                                                                          capsys) -> None:
    from leadgate_dagster.core.ruleset import RulesetError
    from leadgate_dagster.resources.db import PostgresResource
    from leadgate_dagster.resources.rules import RulesResource

    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    body = load_ruleset().body | {"version": "s-1"}
    body["batching"]["lease_minutes"] = 10  # a key this version of the gate does not know
    body["scoring"]["priority"]["pre_score_weight"] = "heavy"
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO leadgate.rulesets (content_hash, version, body, author, reason, "
                             "is_active) VALUES ('h-s-1', 's-1', CAST(:body AS jsonb), 'ops', 'test', true)"),
                     {"body": json.dumps(body)})
    assert main(["rules", "check", "--active"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "the active ruleset s-1 (h-s-1) does not parse:",
        "batching.lease_minutes: unknown key",
        ("scoring.priority.pre_score_weight: Input should be a valid number, unable to parse string as a "
         "number")]
    with pytest.raises(RulesetError, match=r"batching\.lease_minutes: unknown key"):
        RulesResource(db=PostgresResource(url=pg_url)).active()
    assert main(["rules", "show"]) == 1  # never the shipped ruleset's version in its place
    assert "the active ruleset s-1 (h-s-1) does not parse:" in capsys.readouterr().err


def test_check_active_passes_for_a_parsing_activated_ruleset(tmp_path, pg_url, engine, monkeypatch,
                                                            capsys) -> None:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    path = _variant(tmp_path, "a-1", 0.25)
    assert main(["rules", "activate", str(path), "--reason", "test"]) == 0
    capsys.readouterr()
    assert main(["rules", "check", "--active"]) == 0
    assert capsys.readouterr().out == f"ok: a-1 {load_ruleset(path).content_hash}\n"


def test_diff_of_a_file_that_does_not_parse_names_its_keys(tmp_path, capsys) -> None:
    assert main(["rules", "diff", str(_bad_override(tmp_path)), str(_variant(tmp_path, "d-1", 0.2))]) == 1
    err = capsys.readouterr().err
    assert "alerts.rejection_rate_treshold (line 3): unknown key" in err and "Traceback" not in err
