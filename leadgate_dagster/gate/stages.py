"""The five stages of a batch. Each reads its inputs from Postgres by batch id, calls the pure core and
writes set-based, idempotently: running a stage twice for a batch leaves the same rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster import settings
from leadgate_dagster.core.lead_schema import CANONICAL_FIELDS
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.top_reasons import top_reasons
from leadgate_dagster.core.validation import email_domains, validate_batch
from leadgate_dagster.gate.enrich import enrich_stage  # noqa: F401
from leadgate_dagster.gate.identity import identity_stage  # noqa: F401
from leadgate_dagster.gate.ip_keys import key_batch_ips
from leadgate_dagster.gate.qualify import qualify_stage  # noqa: F401
from leadgate_dagster.store import intake, leads
from leadgate_dagster.store.bulk import update_from_rows

MxLookup = Callable[[Iterable[str]], Mapping[str, Any]]

VALIDATION_COLUMNS = ("email_normalized", "email_key", "email_domain", "email_status", "email_flags", "phone_e164",
                      "phone_status", "phone_type", "company_domain")
OFFLINE_DNS_NOTE = ("DNS is offline (validation.dns.mode): email domains outside the shipped table are "
                    "unverified (EMAIL_DOMAIN_UNVERIFIED, info)")


def raw_stage(engine: sa.Engine, batch_id: str, rules: Ruleset,
              hmac_key: bytes | None = None) -> dict[str, Any]:
    """Copy the batch's intake events into `leads` and record the intake findings (parse errors, replays...);
    IP addresses get their keyed HMAC (`hmac_key`, default `settings.hmac_key()`)."""
    with engine.begin() as conn:
        n = leads.copy_raw(conn, batch_id)
        key_batch_ips(conn, batch_id, hmac_key or settings.hmac_key())
        events = intake.events_of_batch(conn, batch_id)
        rows = [(e["lead_id"], "intake", code, rules.severity(code).value,
                 e["parse_detail"] if code == e["parse_error"] else None, rules.version)
                for e in events for code in dict.fromkeys(e["intake_codes"] or [])]
        leads.replace_checks(conn, "intake", [e["lead_id"] for e in events], rows)
    sources = Counter(e["source"] for e in events)
    return {"leads": n, "unparseable": sum(1 for e in events if e["parse_error"]),
            "replays": sum(1 for e in events if e["replay_of"]), "sources": dict(sources)}


def validate_stage(engine: sa.Engine, batch_id: str, rules: Ruleset, mx: MxLookup) -> dict[str, Any]:
    """Normalize and validate every usable lead of the batch (replays and unparseable records are skipped:
    the first carry their original's results, the second are rejected as they are). The report says once
    when DNS is offline, rather than leaving EMAIL_DOMAIN_UNVERIFIED on each lead as the only signal."""
    with engine.begin() as conn:
        df = leads.load_batch(conn, batch_id, columns=[*CANONICAL_FIELDS, "replay_of"])
        unparseable = intake.unparseable_leads(conn, list(df["lead_id"]))
    todo = df[df["replay_of"].isna() & ~df["lead_id"].isin(unparseable)]
    result = validate_batch(todo, rules=rules, mx=mx(email_domains(todo, rules)))
    with engine.begin() as conn:
        write_validation(conn, result, rules)
    statuses = Counter(result["email_status"])
    dns_mode = rules.validation.dns.mode
    return {"validated": len(result), "email_status": dict(statuses),
            "phone_status": dict(Counter(result["phone_status"])),
            "top_reasons": top_reasons(Counter(c for r in result["reasons"] for c in r), rules),
            "dns_mode": dns_mode, **({"note": OFFLINE_DNS_NOTE} if dns_mode == "offline" else {})}


def write_validation(conn: sa.Connection, result: pd.DataFrame, rules: Ruleset) -> None:
    """Store the validation engine's output for its leads: the typed columns, the JSONB and the checks."""
    update_from_rows(conn, "leads", "lead_id", [*VALIDATION_COLUMNS, "validation", "validated_at", "ruleset_version"],
                     _validation_rows(result, rules))
    checks = [(lid, "validation", c["code"], c["severity"], c.get("detail"), rules.version)
              for lid, cs in result["checks"].items() for c in _unique_checks(cs)]
    leads.replace_checks(conn, "validation", list(result.index), checks)


def _unique_checks(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return list({c["code"]: c for c in checks}.values())


def _validation_rows(result: pd.DataFrame, rules: Ruleset) -> Iterable[tuple[Any, ...]]:
    """Rows for `leads`: the typed columns, plus everything else the engine said as the `validation` JSONB."""
    detail_cols = [c for c in result.columns if c not in VALIDATION_COLUMNS and c != "checks"]
    typed = result[list(VALIDATION_COLUMNS)].astype(object)
    typed = typed.where(typed.notna(), None)
    details = result[detail_cols].astype(object)
    details = details.where(details.notna(), None).to_dict("records")
    now = pd.Timestamp.now(tz="UTC").to_pydatetime()
    for lid, values, detail in zip(result.index, typed.itertuples(index=False, name=None), details, strict=True):
        yield (lid, *values, detail, now, rules.version)
