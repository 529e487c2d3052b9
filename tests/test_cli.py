"""The `leadgate` parser itself: its version, and a help text for every argument."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from leadgate_dagster.cli import main


def test_version_prints_the_installed_package_version(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"leadgate {version('leadgate')}"
