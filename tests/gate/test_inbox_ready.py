"""Which inbox files are ready: a file moved in after its last write at once, a file written in place only once
it has been left alone for the settle time, hidden and partial names never."""

from __future__ import annotations

import time
from pathlib import Path

from leadgate_dagster.gate.inbox import ready_files

SETTLE = 1.5


def _names(inbox: Path, now: float | None = None) -> list[str]:
    return [f.name for f in ready_files(inbox, settle_seconds=SETTLE, now=now)]


def test_a_file_moved_in_after_its_last_write_is_ready_at_once(tmp_path: Path) -> None:
    inbox, staging = tmp_path / "inbox", tmp_path / "staging.csv"
    inbox.mkdir()
    staging.write_text("email\nann@northwind.com\n")
    time.sleep(0.05)  # past the clock's granularity: the rename's status change comes after the write
    staging.rename(inbox / "leads.csv")
    assert _names(inbox) == ["leads.csv"]


def test_a_file_written_in_place_waits_for_the_settle_time(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "leads.csv").write_text("email\nann@northwind.com\n")
    assert _names(inbox) == []
    assert _names(inbox, now=time.time() + SETTLE + 0.1) == ["leads.csv"]


def test_hidden_and_partial_names_are_never_ready(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "web").mkdir(parents=True)
    for name in (".hidden.csv", "a.csv.part", "b.csv.tmp", "c.csv.crdownload"):
        (inbox / "web" / name).write_text("email\n")
    assert _names(inbox, now=time.time() + 60) == []
