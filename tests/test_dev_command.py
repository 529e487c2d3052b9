"""`leadgate dev`: the whole stack comes up on the embedded default, takes a file from its inbox to
dispositions through the daemon's sensors, and SIGTERM stops everything, the embedded PostgreSQL included."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil
import sqlalchemy as sa

from leadgate_dagster.run_launcher import PID_TAG


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except (httpx.HTTPError, sa.exc.OperationalError):
            pass
        time.sleep(0.5)
    return False


def _postmasters(pgdata: Path) -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["name", "cmdline"])
            if p.info["name"] == "postgres" and str(pgdata) in " ".join(p.info["cmdline"] or [])]


def test_dev_runs_the_stack_and_sigterm_stops_all_of_it() -> None:
    home = Path(tempfile.mkdtemp(prefix="lgdev-", dir="/tmp"))
    ui, api = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("LEADGATE_DATABASE_URL", "DAGSTER_HOME")}
    env["LEADGATE_HOME"] = str(home)
    leadgate = str(Path(sys.executable).parent / "leadgate")
    stack = subprocess.Popen([leadgate, "dev", "--port", str(ui), "--api-port", str(api)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert _wait(lambda: httpx.get(f"http://127.0.0.1:{ui}/server_info").status_code == 200, 90)
        assert _wait(lambda: httpx.get(f"http://127.0.0.1:{api}/healthz").status_code == 200, 30)
        inbox = home / "inbox" / "webinar"
        inbox.mkdir(parents=True)
        staged = home / "leads.csv"
        staged.write_text("Email,First Name,Phone\nann.lee@gmail.com,Ann,+1 415 839 2671\n")
        os.utime(staged, (time.time() - 5,) * 2)
        staged.rename(inbox / "leads.csv")
        engine = sa.create_engine(f"postgresql+psycopg://postgres@/postgres?host={home / 'pgdata'}")
        disposed = "SELECT count(*) FROM leadgate.qualified_leads WHERE source = 'webinar'"

        def done() -> bool:
            with engine.connect() as conn:
                return conn.execute(sa.text(disposed)).scalar_one() == 1

        assert _wait(done, 120), "the dropped file never reached qualified_leads"
        with engine.connect() as conn:  # the batch ran in a worker forked by leadgate's run launcher
            forked = conn.execute(sa.text("SELECT count(*) FROM public.run_tags WHERE key = :k"),
                                  {"k": PID_TAG}).scalar_one()
        assert forked >= 1
        engine.dispose()
        assert _postmasters(home / "pgdata")
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        output = stack.communicate(timeout=90)[0].decode(errors="replace")
    assert stack.returncode == 0, output[-2000:]
    assert "Dagster UI: http://127.0.0.1:" in output and "inbox:" in output
    assert _wait(lambda: not _postmasters(home / "pgdata"), 20), "embedded PostgreSQL still running"
    assert not _wait(lambda: httpx.get(f"http://127.0.0.1:{ui}/server_info").status_code == 200, 2)
