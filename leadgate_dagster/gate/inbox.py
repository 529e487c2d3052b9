"""The inbox folder: which files are ready, and where they go once read.

`<inbox>/<source>/file.csv` takes its source from the subfolder (a `source` column wins per row); files at
the top level get source "inbox". Read files move to `<inbox>/_processed/`, unreadable ones to
`<inbox>/_rejected/` beside a `<name>.reason.json`. Folders starting with `_` or `.` are never scanned, and
files that are hidden, partial (`.part`, `.tmp`, `.crdownload`) or still being written are left for later.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", ".swp")
DEFAULT_SOURCE = "inbox"


@dataclass(frozen=True)
class InboxFile:
    path: Path
    source: str

    @property
    def name(self) -> str:
        return self.path.name


def ready_files(inbox: Path, *, settle_seconds: float, now: float | None = None) -> list[InboxFile]:
    """Files ready to read, oldest first: not hidden or partial, and complete.

    Complete means moved in after its last write, or not modified for `settle_seconds`. A write sets a file's
    modification and status-change times to the same instant; a rename, or a copy that restores the original
    time (`cp -p`) at its end, advances only the status-change time. So a file written elsewhere and moved in is
    taken at once, and one written in place is taken once its writer has paused longer than any pause between
    its chunks."""
    now = time.time() if now is None else now
    found: list[tuple[float, InboxFile]] = []
    if not inbox.is_dir():
        return []
    for dirpath, dirnames, filenames in os.walk(inbox):
        dirnames[:] = [d for d in dirnames if not d.startswith(("_", "."))]  # never walk _processed/_rejected
        for name in filenames:
            path = Path(dirpath) / name
            if name.startswith(".") or name.lower().endswith(PARTIAL_SUFFIXES) or name.endswith(".reason.json"):
                continue
            try:
                info = path.stat()
            except FileNotFoundError:
                continue
            mtime = info.st_mtime
            if info.st_ctime_ns <= info.st_mtime_ns and now - mtime < settle_seconds:
                continue
            rel = path.relative_to(inbox)
            source = rel.parts[0] if len(rel.parts) > 1 else DEFAULT_SOURCE
            found.append((mtime, InboxFile(path, source)))
    return [f for _, f in sorted(found, key=lambda t: (t[0], str(t[1].path)))]


def _target(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if target.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        target = folder / f"{target.stem}.{stamp}{target.suffix}"
    return target


def archive(inbox: Path, file: InboxFile) -> Path:
    target = _target(inbox / "_processed" / file.source, file.name)
    shutil.move(str(file.path), target)
    return target


def reject(inbox: Path, file: InboxFile, *, code: str, detail: str, file_id: str) -> Path:
    """Move an unreadable file aside with a machine-readable reason next to it."""
    return _reject_to(inbox / "_rejected" / file.source, file.path, code=code, detail=detail, file_id=file_id,
                      source=file.source)


def reject_moved(path: Path, *, code: str, detail: str, file_id: str, source: str) -> Path:
    """Reject a file already moved to `<inbox>/_processed/<source>/` (found unreadable by its import run)."""
    return _reject_to(path.parent.parent.parent / "_rejected" / source, path, code=code, detail=detail,
                      file_id=file_id, source=source)


def _reject_to(folder: Path, path: Path, *, code: str, detail: str, file_id: str, source: str) -> Path:
    target = _target(folder, path.name)
    shutil.move(str(path), target)
    reason = {"file": path.name, "source": source, "file_id": file_id, "code": code, "detail": detail,
              "rejected_at": datetime.now(UTC).isoformat()}
    target.with_name(target.name + ".reason.json").write_text(json.dumps(reason, indent=2) + "\n", "utf-8")
    return target
