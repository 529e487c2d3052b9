"""`leadgate rules`: activation records version, hash, author and reason; diff names each changed setting;
the pipeline judges with the activated ruleset."""

from __future__ import annotations

from pathlib import Path

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
    assert override.version == "o-1" and override.section("alerts")["rejection_rate_threshold"] == 0.1
    assert override.section("alerts")["rejection_rate_window"] == shipped.section("alerts")["rejection_rate_window"]
    assert override.section("intake") == shipped.section("intake") and override.content_hash != shipped.content_hash
