"""What the CLI's subcommands do (argument parsing stays in cli.py)."""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from importlib import resources
from pathlib import Path

import sqlalchemy as sa

from leadgate_dagster import settings

DEMO_FILE = "demo_leads.csv"


def db_upgrade() -> int:
    from leadgate_dagster.runtime import prepare

    runtime = prepare(dagster=False)
    print(f"leadgate: migrations applied to {_safe_url(runtime.database_url)}")
    return 0


def _safe_url(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def demo() -> int:
    """Load the shipped example leads through the real Dagster pipeline and summarise the dispositions."""
    import dagster as dg

    from leadgate_dagster.batch_runner import run_pending
    from leadgate_dagster.gate.ingest import file_id_of, ingest_bytes
    from leadgate_dagster.runtime import prepare
    from leadgate_dagster.store import rulesets

    started = time.perf_counter()
    runtime = prepare()
    print(f"leadgate demo: database {_safe_url(runtime.database_url)} (data in {runtime.home})")
    data = resources.files("leadgate_dagster.examples").joinpath(DEMO_FILE).read_bytes()

    with runtime.engine.connect() as conn:
        rules = rulesets.current(conn)
    outcome = ingest_bytes(runtime.engine, data, filename=DEMO_FILE, source="demo", rules=rules)
    if outcome.status == "duplicate":
        print(f"leadgate demo: {DEMO_FILE} was ingested before (same content); nothing ingested twice")
    else:
        print(f"leadgate demo: {DEMO_FILE}: {outcome.records} records ingested")
    with dg.DagsterInstance.get() as instance:
        batches = run_pending(runtime.engine, instance, rules)
    print(f"leadgate demo: {len(batches)} batch run(s) materialized: {', '.join(batches) or '-'}")
    _print_summary(runtime.engine, file_id_of(data))
    print(f"\n  done in {time.perf_counter() - started:.1f}s\n"
          "  next: `leadgate dev` opens the Dagster UI (these runs are there) and watches an inbox folder;\n"
          "        RevOps reads the view leadgate.qualified_leads; `leadgate qa FILE --out OUT.csv` is a dry run.")
    return 0


def _print_summary(engine: sa.Engine, file_id: str) -> None:
    from leadgate_dagster.store import dispositions

    with engine.connect() as conn:
        rows = dispositions.current_of_file(conn, file_id)
    mix = Counter(r.disposition for r in rows)
    reasons = Counter(c for r in rows for c in r.reason_codes)
    total = max(len(rows), 1)
    print(f"\n  {'disposition':<22}{'leads':>7}{'share':>8}")
    for disposition, n in mix.most_common():
        print(f"  {disposition:<22}{n:>7}{n / total:>8.0%}")
    print(f"  {'total':<22}{len(rows):>7}")
    print(f"\n  {'top reason codes':<28}{'leads':>7}")
    for code, n in reasons.most_common(8):
        print(f"  {code:<28}{n:>7}")


def dev(*, inbox: str | None, port: int, api_port: int) -> int:
    """Dagster UI + daemon + intake API on one database; everything stops on Ctrl-C or SIGTERM."""
    from leadgate_dagster.runtime import prepare
    from leadgate_dagster.store.embedded import stop_embedded

    runtime = prepare()
    inbox_path = Path(inbox).resolve() if inbox else settings.inbox_dir()
    inbox_path.mkdir(parents=True, exist_ok=True)
    os.environ["LEADGATE_INBOX"] = str(inbox_path)
    bin_dir = Path(sys.executable).parent
    workspace = str(runtime.dagster_home / "workspace.yaml")
    commands = {
        "dagster-webserver": [str(bin_dir / "dagster-webserver"), "-w", workspace, "-h", "127.0.0.1", "-p", str(port)],
        "dagster-daemon": [str(bin_dir / "dagster-daemon"), "run", "-w", workspace],
        "intake-api": [sys.executable, "-m", "uvicorn", "leadgate_dagster.api.app:app", "--host", "127.0.0.1",
                       "--port", str(api_port), "--log-level", "warning"],
    }
    children: dict[str, subprocess.Popen[bytes]] = {}

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        for name, cmd in commands.items():
            children[name] = subprocess.Popen(cmd, env=os.environ.copy(), start_new_session=True)
        print(f"leadgate dev: database {_safe_url(runtime.database_url)}\n"
              f"  inbox:      {inbox_path}   (drop CSV/TSV/JSONL/XLSX; a subfolder name is the lead source)\n"
              f"  Dagster UI: http://127.0.0.1:{port}\n"
              f"  intake API: http://127.0.0.1:{api_port}/v1/leads  (docs at /docs)\n"
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


DRAIN_SECONDS = 30.0


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


def rules(args: argparse.Namespace) -> int:
    from leadgate_dagster.core.ruleset import RulesetError

    try:
        return _rules(args)
    except RulesetError as exc:  # a stored or compared ruleset that does not parse: its keys, not a traceback
        print(f"leadgate rules {args.rules_command}: {exc}", file=sys.stderr)
        return 1


def _rules(args: argparse.Namespace) -> int:
    from leadgate_dagster.core.ruleset import diff_rulesets, load_ruleset
    from leadgate_dagster.runtime import prepare
    from leadgate_dagster.store import rulesets as store

    if args.rules_command == "check":
        return _check_rules(args.file, active=args.active)
    if args.rules_command == "diff":
        def resolve(ref: str):
            if Path(ref).exists():
                return load_ruleset(ref)
            with prepare(dagster=False).engine.connect() as conn:
                found = store.by_version(conn, ref)
            if found is None:
                raise SystemExit(f"leadgate rules diff: {ref!r} is neither a file nor an activated version")
            return found

        lines = diff_rulesets(resolve(args.a), resolve(args.b))
        print("\n".join(lines) if lines else "no differences")
        return 0
    runtime = prepare(dagster=False)
    if args.rules_command == "activate":
        ruleset = _readable_ruleset(args.path, "activate")
        if isinstance(ruleset, int):
            return ruleset
        with runtime.engine.begin() as conn:
            store.activate(conn, ruleset, author=args.author or getpass.getuser(), reason=args.reason)
        print(f"leadgate rules: activated {ruleset.version} ({ruleset.content_hash[:12]})")
        return 0
    with runtime.engine.connect() as conn:
        active = store.current(conn)
    print(f"{active.version} {active.content_hash}")
    return 0


def _readable_ruleset(path: str, command: str):  # -> Ruleset | int (the exit code of a refusal)
    """The ruleset file at `path`, or the exit code after saying why not: 1 for keys that do not parse (each
    on its own line, with its line in the file; `check` prints them as its output), 2 for a file that
    cannot be read or is not YAML."""
    import yaml

    from leadgate_dagster.core.ruleset import RulesetError, load_ruleset

    try:
        return load_ruleset(path)
    except RulesetError as exc:
        if command == "check":
            print(exc)
        else:
            print(f"leadgate rules {command}: {path} does not parse:\n{exc}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        print(f"leadgate rules {command}: cannot read {path}: {exc}", file=sys.stderr)
        return 2


def _check_rules(path: str | None, *, active: bool) -> int:
    """`leadgate rules check FILE | --active`: "ok: <version> <hash>" (exit 0), else each problem on its own
    line (exit 1); a file that cannot be read or is not YAML exits 2."""
    from leadgate_dagster.core.ruleset import RulesetError

    if active:
        from leadgate_dagster.runtime import prepare
        from leadgate_dagster.store import rulesets as store

        try:
            with prepare(dagster=False).engine.connect() as conn:
                ruleset = store.current(conn)
        except RulesetError as exc:
            print(exc)
            return 1
    else:
        ruleset = _readable_ruleset(path or "", "check")
        if isinstance(ruleset, int):
            return ruleset
    print(f"ok: {ruleset.version} {ruleset.content_hash}")
    return 0


def docs_reasons() -> int:
    from leadgate_dagster.core.reasons_doc import render_markdown

    target = Path("docs/reason-codes.md")
    target.parent.mkdir(exist_ok=True)
    target.write_text(render_markdown(), "utf-8")
    print(f"leadgate docs: wrote {target}")
    return 0
