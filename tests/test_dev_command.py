"""`leadgate dev`: the whole stack comes up on the embedded default, takes a file from its inbox and leads
from a polled lead API (`lead_sources.yaml` in its home) to dispositions through the daemon's sensors, and
SIGTERM stops everything, the embedded PostgreSQL included."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import psutil
import sqlalchemy as sa

from leadgate_dagster.run_launcher import PID_TAG
from tests.dagster.lead_api import LeadApi, serve


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
    env["LEADGATE_DEV_FEED_TOKEN"] = "dev-feed-token"
    feed = LeadApi("cursor", items=[{"id": f"F{n}", "email": f"bo{n}.ek@volvo.se", "first_name": "Bo"}
                                    for n in (1, 2)])
    servers = ExitStack()
    (home / "lead_sources.yaml").write_text(
        f"sources:\n  - name: dev_feed\n    url: {servers.enter_context(serve(feed))}\n"
        f"    token_env: LEADGATE_DEV_FEED_TOKEN\n    pagination: {{style: cursor, param: after, next_path: paging.next}}\n")
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
        disposed = "SELECT source, count(*) FROM leadgate.qualified_leads GROUP BY source"

        def done() -> bool:
            with engine.connect() as conn:
                return dict(conn.execute(sa.text(disposed)).tuples().all()) == {"webinar": 1, "dev_feed": 2}

        assert _wait(done, 120), "the dropped file or the polled leads never reached qualified_leads"
        assert {s.headers["authorization"] for s in feed.seen} == {"Bearer dev-feed-token"}
        with engine.connect() as conn:  # the batch ran in a worker forked by leadgate's run launcher
            forked = conn.execute(sa.text("SELECT count(*) FROM public.run_tags WHERE key = :k"),
                                  {"k": PID_TAG}).scalar_one()
        assert forked >= 1
        engine.dispose()
        assert _postmasters(home / "pgdata")
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        output = stack.communicate(timeout=90)[0].decode(errors="replace")
        servers.close()
    assert stack.returncode == 0, output[-2000:]
    assert "Dagster UI: http://127.0.0.1:" in output and "inbox:" in output
    assert _wait(lambda: not _postmasters(home / "pgdata"), 20), "embedded PostgreSQL still running"
    assert not _wait(lambda: httpx.get(f"http://127.0.0.1:{ui}/server_info").status_code == 200, 2)
