"""`leadgate suppress`: the suppression / DNC list and per-channel revocations of consent."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from leadgate_dagster.cli.operator_files import engine_and_rules, print_rejected, read_rows

CHANNELS = ["all", "email", "sms", "voice"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sup = sub.add_parser("suppress", help="the suppression / DNC list and per-channel revocations").add_subparsers(
        dest="suppress_command", required=True, help="how to add entries")
    add = sup.add_parser("add", help="suppress addresses, numbers or domains")
    add.add_argument("--email", action="append", default=[], help="an email address (repeatable)")
    add.add_argument("--phone", action="append", default=[], help="a phone number, E.164 or national in "
                     "validation.default_region (repeatable)")
    add.add_argument("--domain", action="append", default=[], help="a whole company's email domain (repeatable)")
    add.add_argument("--at", help="when the opt-out was given (ISO 8601; default: now)")
    imp = sup.add_parser("import", help="suppress the rows of a file (email/phone/domain, channel, reason, "
                                        "revoked_at columns)")
    imp.add_argument("path", metavar="FILE", help="a CSV, TSV, JSONL or XLSX of entries")
    for p in (add, imp):
        p.add_argument("--channel", default="all", choices=CHANNELS,
                       help="all: do not contact at all (DNC); a channel: consent revoked on it (default all)")
        p.add_argument("--reason", required=p is add, help="why (kept with each entry)")
        source = "manual" if p is add else "import"
        p.add_argument("--source", default=source, help=f"where the entries come from (default {source})")
    add.set_defaults(run=lambda args: add_entries(
        emails=args.email, phones=args.phone, domains=args.domain, at=args.at, channel=args.channel,
        reason=args.reason, source=args.source))
    imp.set_defaults(run=lambda args: import_file(args.path, channel=args.channel, reason=args.reason,
                                                  source=args.source))


def add_entries(*, emails: list[str], phones: list[str], domains: list[str], at: str | None, channel: str,
                reason: str, source: str) -> int:
    """Suppress the given addresses, numbers and domains, dated `at` (default now) so a later consent may
    re-open a channel."""
    given = [{"email": e} for e in emails] + [{"phone": p} for p in phones] + [{"domain": d} for d in domains]
    if not given:
        raise SystemExit("leadgate suppress add: give at least one --email, --phone or --domain")
    when = at or datetime.now(UTC).isoformat()
    return _suppress("add", [{**g, "revoked_at": when} for g in given], channel=channel, reason=reason,
                     source=source)


def import_file(path: str, *, channel: str, reason: str | None, source: str) -> int:
    """Suppress the rows of a file; a row's own channel, reason and date win over the defaults given."""
    return _suppress("import", read_rows(path, "suppress import"), channel=channel, reason=reason, source=source)


def _suppress(command: str, rows: list[dict[str, str]], *, channel: str, reason: str | None, source: str) -> int:
    from leadgate_dagster.core.suppression_entries import normalize_entries
    from leadgate_dagster.gate.revocation import counts, suppress

    engine, rules = engine_and_rules()
    entries = normalize_entries(rows, rules=rules, default_channel=channel, default_source=source,
                                default_reason=reason)
    report = suppress(engine, entries, rules)
    print_rejected(f"suppress {command}", entries.rejected)
    print(f"leadgate suppress: {report['new']} new, {report['updated']} already listed (kept the stricter date), "
          f"{len(entries.rejected)} refused; {counts(report)}")
    return 1 if entries.rejected else 0
