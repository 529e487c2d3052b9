"""`leadgate dev`: Dagster UI + daemon + intake API (the app `leadgate serve` runs, taking posts without a key)
on one database; everything stops on Ctrl-C or SIGTERM.

Quiet by default, so what needs attention stands out: the daemon and the webserver log warnings only, run
workers log INFO (not Dagster's DEBUG events), and the dev-key warning is given once for the session.
`--verbose` launches them as Dagster does by default."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from leadgate_dagster.cli.db import shown_url

DRAIN_SECONDS = 30.0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("dev", help="Dagster UI + daemon (sensors, schedules) + intake API on one database")
    p.add_argument("--inbox", help="folder to watch for lead files (default: <LEADGATE_HOME>/inbox)")
    p.add_argument("--port", type=int, default=3000, help="Dagster UI port (default 3000)")
    p.add_argument("--api-port", type=int, default=8000, help="intake API port (default 8000)")
    p.add_argument("--verbose", action="store_true",
                   help="Dagster's own logging: sensor ticks, daemon INFO, runs' DEBUG events (default: warnings, "
                        "runs at INFO)")
    p.set_defaults(run=lambda args: dev(inbox=args.inbox, port=args.port, api_port=args.api_port,
                                        verbose=args.verbose))


def launch_commands(bin_dir: Path, workspace: str, *, port: int, api_port: int,
                    verbose: bool) -> dict[str, list[str]]:
    """The command line of each process dev starts."""
    web_quiet = [] if verbose else ["--dagster-log-level", "warning", "--code-server-log-level", "warning"]
    daemon_quiet = [] if verbose else ["--log-level", "warning"]
    return {
        "dagster-webserver": [str(bin_dir / "dagster-webserver"), "-w", workspace, "-h", "127.0.0.1", "-p", str(port),
                              *web_quiet],
        # dagster-daemon with a short sensor-loop pause (leadgate_dagster/daemon.py)
        "dagster-daemon": [sys.executable, "-m", "leadgate_dagster.daemon", "run", "-w", workspace, *daemon_quiet],
        "intake-api": [sys.executable, "-m", "uvicorn", "leadgate_dagster.api.app:app", "--host", "127.0.0.1",
                       "--port", str(api_port), "--log-level", "warning"],
    }


def dev(*, inbox: str | None, port: int, api_port: int, verbose: bool = False) -> int:
    from leadgate_dagster import settings
    from leadgate_dagster.cli.runtime import prepare
    from leadgate_dagster.store.embedded import stop_embedded

    runtime = prepare(run_log_level=None if verbose else "INFO")
    settings.warn_once_for_session()
    inbox_path = Path(inbox).resolve() if inbox else settings.inbox_dir()
    inbox_path.mkdir(parents=True, exist_ok=True)
    os.environ["LEADGATE_INBOX"] = str(inbox_path)
    os.environ[settings.API_INSECURE_ENV] = "1"  # a sandbox on loopback: posts need no key (`serve` does)
    commands = launch_commands(Path(sys.executable).parent, str(runtime.dagster_home / "workspace.yaml"),
                               port=port, api_port=api_port, verbose=verbose)
    children: dict[str, subprocess.Popen[bytes]] = {}

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        for name, cmd in commands.items():
            children[name] = subprocess.Popen(cmd, env=os.environ.copy(), start_new_session=True)
        print(f"leadgate dev: database {shown_url(runtime.database_url)}\n"
              f"  inbox:      {inbox_path}   (drop CSV/TSV/JSONL/XLSX; a subfolder name is the lead source)\n"
              f"  Dagster UI: http://127.0.0.1:{port}\n"
              f"  intake API: http://127.0.0.1:{api_port}/v1/leads  (docs at /docs; no key needed here, "
              "`leadgate serve` asks for one)\n"
              f"  review console: http://127.0.0.1:{api_port}/review  (sign in as a user of "
              "`leadgate users add NAME --role admin`)\n"
              "  Ctrl-C stops everything.", flush=True)
        while True:
            for name, child in children.items():
                if child.poll() is not None:
                    print(f"leadgate dev: {name} exited with {child.returncode}; stopping", file=sys.stderr)
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nleadgate dev: stopping", flush=True)
        return 0
    finally:
        # let the runs in flight finish their batch (their workers are the daemon's children), then stop all
        _wait_for_runs(DRAIN_SECONDS)
        _terminate(children)
        stop_embedded(runtime.home)


def _wait_for_runs(seconds: float) -> None:
    import dagster as dg

    from leadgate_dagster.sensors.claims import IN_FLIGHT

    deadline = time.monotonic() + seconds
    with dg.DagsterInstance.get() as instance:
        while instance.get_run_ids(filters=dg.RunsFilter(statuses=IN_FLIGHT), limit=1):
            if time.monotonic() > deadline:
                print("leadgate dev: runs still in flight; they will be retried or re-claimed", file=sys.stderr)
                return
            time.sleep(0.25)


def _terminate(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for child in children.values():
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children.values():
        try:
            child.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
