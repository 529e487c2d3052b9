"""The `leadgate` parser itself: its version, and a help text for every argument."""

from __future__ import annotations

import argparse
from importlib.metadata import version

import pytest

from leadgate_dagster.cli import main, parser


def test_version_prints_the_installed_package_version(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"leadgate {version('leadgate')}"


def _parsers(p: argparse.ArgumentParser, name: str = "leadgate"):
    yield name, p
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


def test_every_argument_has_a_help_text() -> None:
    missing = [f"{name}: {a.option_strings or a.dest}" for name, p in _parsers(parser()) for a in p._actions
               if not isinstance(a, argparse._HelpAction) and not (a.help or "").strip()]
    assert not missing


def test_qa_help_says_it_is_a_dry_run_that_ignores_the_database_url(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["qa", "--help"])
    assert exited.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "dry run" in text and "ignores LEADGATE_DATABASE_URL" in text and "exits 2" in text
