"""`leadgate keys` and `leadgate webhooks`: who may post to the intake API.

A key is printed once, when it is made, and only its SHA-256 is stored: lose it and make a new one. A webhook
secret is stored as given (an HMAC needs it); a source holds at most two valid ones, so a sender can rotate.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    keys = sub.add_parser("keys", help="API keys for the intake API").add_subparsers(
        dest="keys_command", required=True, help="what to do")
    add = keys.add_parser("add", help="make a key for a lead source (printed once)")
    add.add_argument("source", metavar="SOURCE", help="every lead posted with the key has this source")
    add.add_argument("--partner", help="... and this partner id")
    add.add_argument("--scope", action="append", choices=["intake", "reviewer"],
                     help="what the key may do (repeatable; default intake)")
    add.add_argument("--rate-per-second", type=float, help="its own rate limit (default: the ruleset's)")
    add.set_defaults(run=lambda args: add_key(args.source, partner=args.partner, scopes=args.scope or ["intake"],
                                              rate=args.rate_per_second))
    keys.add_parser("list", help="the keys, active and revoked (never the keys themselves)").set_defaults(
        run=lambda args: list_keys())
    rev = keys.add_parser("revoke", help="revoke a key at once")
    rev.add_argument("key_id", metavar="KEY_ID", help="as `keys list` shows it")
    rev.set_defaults(run=lambda args: revoke_key(args.key_id))

    hooks = sub.add_parser("webhooks", help="signing secrets for Standard Webhooks senders").add_subparsers(
        dest="webhooks_command", required=True, help="what to do")
    hadd = hooks.add_parser("add", help="make a signing secret for a source (a third retires the oldest)")
    hadd.add_argument("source", metavar="SOURCE", help="the sender posts to /v1/leads?source=SOURCE")
    hadd.add_argument("--partner", help="every lead it posts has this partner id")
    hadd.set_defaults(run=lambda args: add_secret(args.source, partner=args.partner))
    hooks.add_parser("list", help="the secrets per source (never the secrets themselves)").set_defaults(
        run=lambda args: list_secrets())
    hret = hooks.add_parser("retire", help="stop accepting a secret")
    hret.add_argument("secret_id", metavar="SECRET_ID", help="as `webhooks list` shows it")
    hret.set_defaults(run=lambda args: retire_secret(args.secret_id))


def _engine():  # type: ignore[no-untyped-def]
    from leadgate_dagster.cli.runtime import prepare

    return prepare(dagster=False).engine


def add_key(source: str, *, partner: str | None, scopes: list[str], rate: float | None) -> int:
    from leadgate_dagster.gate.api_access import issue_key

    try:
        key_id, key = issue_key(_engine(), source, partner_id=partner, scopes=tuple(dict.fromkeys(scopes)),
                                rate_per_second=rate)
    except ValueError as exc:
        print(f"leadgate keys add: {exc}", file=sys.stderr)
        return 2
    print(key)
    print(f"{key_id}: source {source}{f', partner {partner}' if partner else ''}, scopes {', '.join(scopes)}. "
          "This key is shown once; store it now.", file=sys.stderr)
    return 0


def list_keys() -> int:
    from leadgate_dagster.store import api_keys

    with _engine().connect() as conn:
        rows = api_keys.listing(conn)
    print("key_id\tsource\tpartner\tscopes\trate/s\tcreated\tstatus")
    for r in rows:
        status = f"revoked {r.revoked_at:%Y-%m-%d %H:%M}" if r.revoked_at else "active"
        print(f"{r.key_id}\t{r.source}\t{r.partner_id or '-'}\t{','.join(r.scopes)}\t{r.rate_per_second or '-'}\t"
              f"{r.created_at:%Y-%m-%d %H:%M}\t{status}")
    return 0


def revoke_key(key_id: str) -> int:
    from leadgate_dagster.store import api_keys

    with _engine().begin() as conn:
        done = api_keys.revoke(conn, key_id)
    print(f"{key_id}: revoked" if done else f"leadgate keys revoke: no active key {key_id}",
          file=sys.stdout if done else sys.stderr)
    return 0 if done else 1


def add_secret(source: str, *, partner: str | None) -> int:
    from leadgate_dagster.gate.api_access import add_webhook_secret

    try:
        secret_id, secret, retired = add_webhook_secret(_engine(), source, partner_id=partner)
    except ValueError as exc:
        print(f"leadgate webhooks add: {exc}", file=sys.stderr)
        return 2
    print(secret)
    print(f"{secret_id}: signs webhooks for source {source}; posts go to /v1/leads?source={source}"
          + (f"; retired {', '.join(retired)}" if retired else ""), file=sys.stderr)
    return 0


def list_secrets() -> int:
    from leadgate_dagster.store import webhook_secrets

    with _engine().connect() as conn:
        rows = webhook_secrets.listing(conn)
    print("secret_id\tsource\tpartner\tcreated\tstatus")
    for r in rows:
        status = f"retired {r.retired_at:%Y-%m-%d %H:%M}" if r.retired_at else "valid"
        print(f"{r.secret_id}\t{r.source}\t{r.partner_id or '-'}\t{r.created_at:%Y-%m-%d %H:%M}\t{status}")
    return 0


def retire_secret(secret_id: str) -> int:
    from leadgate_dagster.store import webhook_secrets

    with _engine().begin() as conn:
        done = webhook_secrets.retire(conn, secret_id)
    print(f"{secret_id}: retired" if done else f"leadgate webhooks retire: no valid secret {secret_id}",
          file=sys.stdout if done else sys.stderr)
    return 0 if done else 1
