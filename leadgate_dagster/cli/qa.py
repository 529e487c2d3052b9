"""`leadgate qa`: the whole gate on one file, as a dry run, with one output row per input record.

It runs against a throwaway embedded database unless `--database-url` is given; the environment's
LEADGATE_DATABASE_URL is deliberately ignored, so a dry run never writes into production. INPUT is only read.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Engine

    from leadgate_dagster.core.ruleset import Ruleset

# `row`, `score`, `reason_codes` and `reasons_text` are the dry run's own names; the rest are the
# qualified_leads view's (docs/qualified-leads.md), so a column means the same thing in both
GATE_COLUMNS = ["row", "disposition", "score", "reason_codes", "reasons_text", "email_status", "email_flags",
                "phone_e164", "phone_status", "person_id", "duplicate_of", "allowed_channels", "qa_score_reachability",
                "qa_score_consent", "qa_score_fit", "ruleset_version", "model_version", "owner_email", "owner_rule",
                "account_id", "account_match", "account_match_confidence", "alternate_offer"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "qa", help="run the whole gate on one file (dry run) and write one row per record",
        description="A dry run of the whole gate on one file: it runs on a throwaway embedded database unless "
                    "--database-url is given, and ignores LEADGATE_DATABASE_URL, so it never writes into "
                    "production. INPUT is only read. Writes one row per input record, in order; exits 2 when "
                    "INPUT cannot be read, 1 when a blocking check stops a batch.")
    p.add_argument("input", metavar="INPUT", help="the lead file (CSV, TSV, JSONL or XLSX)")
    p.add_argument("--out", required=True, help="the CSV to write: the gate's columns, then the input's")
    p.add_argument("--database-url", help="write into this database instead of a throwaway embedded one")
    p.add_argument("--rules", help="a ruleset YAML to judge with (default: the shipped one)")
    p.add_argument("--owners", help="an owners file to route with (as `leadgate owners import` reads it)")
    p.add_argument("--accounts", help="an accounts file to match leads to (as `leadgate accounts import` reads it)")
    p.set_defaults(run=lambda args: qa_command(args.input, args.out, database_url=args.database_url,
                                               rules_path=args.rules, owners_path=args.owners,
                                               accounts_path=args.accounts))


def qa_command(input_path: str, out_path: str, database_url: str | None = None, rules_path: str | None = None,
               owners_path: str | None = None, accounts_path: str | None = None) -> int:
    from leadgate_dagster.cli.runtime import prepare
    from leadgate_dagster.core.file_reader import FileRejected, read_lead_file
    from leadgate_dagster.core.header_rules import unmapped_columns
    from leadgate_dagster.core.ruleset import load_ruleset
    from leadgate_dagster.gate.ingest import file_id_of, ingest_bytes
    from leadgate_dagster.gate.pipeline import BlockingCheckFailed, run_all_stages
    from leadgate_dagster.gate.stages import OFFLINE_DNS_NOTE
    from leadgate_dagster.store.embedded import embedded_url, stop_embedded
    from leadgate_dagster.store.exports import results_of_file
    from leadgate_dagster.store.intake import claim_batches

    path = Path(input_path)
    try:
        data = path.read_bytes()
        info, _ = read_lead_file(data, filename=path.name)
    except (OSError, FileRejected) as exc:
        detail = f"{exc.code}: {exc.detail}" if isinstance(exc, FileRejected) else str(exc)
        print(f"leadgate qa: cannot read {input_path}: {detail}", file=sys.stderr)
        return 2
    rules = load_ruleset(rules_path)
    started = time.perf_counter()
    tmp = None if database_url else Path(tempfile.mkdtemp(prefix="lgqa-", dir="/tmp"))
    try:
        url = database_url or embedded_url(tmp)  # type: ignore[arg-type]
        runtime = prepare(home=tmp or Path(tempfile.gettempdir()), database_url=url, dagster=False)
        engine = runtime.engine
        if not _load_routing(engine, rules, owners_path, accounts_path):
            return 2
        ingest_bytes(engine, data, filename=path.name, source="qa", rules=rules)
        cfg = rules.batching
        failed_checks: dict[str, str] = {}
        while claimed := claim_batches(engine, max_events=cfg.max_events_per_batch * 10, max_batches=1,
                                       lease_seconds=cfg.lease_seconds):
            try:
                outcomes = run_all_stages(engine, claimed[0][0], rules)
            except BlockingCheckFailed as exc:
                print(f"leadgate qa: {exc}", file=sys.stderr)
                return 1
            failed_checks.update((o.name, o.description) for o in outcomes if o.judged and not o.passed)
        with engine.connect() as conn:
            results = results_of_file(conn, file_id_of(data))
        write_output(results, info.headers, out_path)
    finally:
        if tmp is not None:
            stop_embedded(tmp)
    elapsed = time.perf_counter() - started
    print(f"leadgate qa: {len(results)} records -> {out_path} in {elapsed:.1f}s "
          f"({len(results) / max(elapsed, 1e-9):.0f} records/s)", file=sys.stderr)
    print(results["disposition"].value_counts().to_string(), file=sys.stderr)
    if rules.validation.dns.mode == "offline":  # said once here, not only as a code on each lead
        print(f"note: {OFFLINE_DNS_NOTE}", file=sys.stderr)
    # columns no header synonym or intake.header_map maps (core/header_rules.py)
    if unmapped := unmapped_columns(info.headers, rules=rules, source="qa"):
        print(f"unmapped columns (kept in extra, not used): {', '.join(unmapped)}", file=sys.stderr)
    for name, description in failed_checks.items():
        print(f"check {name}: {description}", file=sys.stderr)
    return 0


def _load_routing(engine: Engine, rules: Ruleset, owners_path: str | None, accounts_path: str | None) -> bool:
    """Import the owners and accounts files given (owners first: accounts name them); False on a bad file."""
    from leadgate_dagster.cli.operator_files import read_rows
    from leadgate_dagster.gate.routing_admin import import_accounts, import_owners

    for path, load in ((owners_path, import_owners), (accounts_path, import_accounts)):
        if path is None:
            continue
        result = load(engine, read_rows(path, "qa"), rules)
        for problem in result.problems:
            print(f"leadgate qa: {path}: {problem}", file=sys.stderr)
        if result.problems:
            return False
    return True


def write_output(results: pd.DataFrame, headers: list[str], out_path: str) -> None:
    import pandas as pd

    from leadgate_dagster.core.export_safety import write_csv

    out = results.copy()
    same_file = out["dup_record_no"].notna() & out["dup_file_id"].notna()
    out["duplicate_of"] = out["duplicate_of"].where(~same_file, out["dup_record_no"].astype("Int64").astype(str))
    out["reasons_text"] = out["reason_codes"].map(reasons_text)
    out["account_match_confidence"] = out["account_match_confidence"].astype("Int64")  # 100, not 100.0
    for col in ("reason_codes", "email_flags", "allowed_channels"):
        out[col] = out[col].map(lambda v: ";".join(v) if isinstance(v, list) else "")
    payload = pd.DataFrame(list(out["payload"].map(lambda p: p or {})))
    order = [h for h in headers if h in payload.columns] + [c for c in payload.columns if c not in headers]
    payload = payload[order].rename(columns=lambda c: f"input_{c}" if c in GATE_COLUMNS else c)
    final = pd.concat([out[GATE_COLUMNS].reset_index(drop=True), payload], axis=1)
    write_csv(final, out_path)


def reasons_text(codes: object) -> str:
    """The codes' catalogue sentences, in the codes' order, for a reader without the catalogue at hand (a
    code the catalogue does not know stands for itself)."""
    from leadgate_dagster.core.reasons import CATALOGUE

    listed = codes if isinstance(codes, list) else []
    return " | ".join(CATALOGUE[c].sentence if c in CATALOGUE else c for c in listed)
