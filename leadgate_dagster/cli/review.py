"""`leadgate review`: the review queue from the command line (list, show, act). Every action goes through
`gate/review_actions.py`, as the API's and the console's do."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from leadgate_dagster.core.review.actions import Action, Kind
from leadgate_dagster.core.review.lifecycle import Status


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    review = sub.add_parser("review", help="the review queue: held leads, identity pairs, audits").add_subparsers(
        dest="review_command", required=True, help="what to do with it")
    ls = review.add_parser("list", help="items by priority, highest first")
    ls.add_argument("--kind", choices=[k.value for k in Kind], help="only items of this kind")
    ls.add_argument("--source", help="only items of leads from this source")
    ls.add_argument("--reason", help="only items carrying this reason code")
    ls.add_argument("--status", action="append", choices=[s.value for s in Status],
                    help="only items in this status (repeatable; default: open and in_progress)")
    ls.add_argument("--assignee", help="only items assigned to this person")
    ls.add_argument("--limit", type=int, default=50, help="at most this many items (default 50)")
    ls.add_argument("--json", action="store_true", help="a JSON array instead of a table")
    ls.set_defaults(run=lambda args: list_items(kind=args.kind, source=args.source, reason=args.reason,
                                                statuses=args.status, assignee=args.assignee, limit=args.limit,
                                                as_json=args.json))
    show = review.add_parser("show", help="one item with its lead's decision and its decision log")
    show.add_argument("review_id", type=int, metavar="ID", help="the item (review_id)")
    show.add_argument("--json", action="store_true", help="JSON instead of text")
    show.set_defaults(run=lambda args: show_item(args.review_id, as_json=args.json))
    do = review.add_parser("act", help="act on an item (each action is logged with its actor and note)")
    do.add_argument("review_id", type=int, metavar="ID", help="the item (review_id)")
    do.add_argument("action", choices=[a.value for a in Action], metavar="ACTION",
                    help="one of " + ", ".join(a.value for a in Action))
    do.add_argument("--to", help="route: the disposition (ROUTE_SDR, ROUTE_AE, NURTURE_EMAIL_ONLY, REJECT); "
                                 "assign / reassign: the assignee (default: the actor); assign_owner: the owner's "
                                 "email")
    do.add_argument("--note", help="why (required for route and adjust_score)")
    do.add_argument("--delta", type=int, help="adjust_score: priority points, + or -")
    do.add_argument("--actor", default="cli", help="who acts, logged as reviewer:NAME (default cli)")
    do.add_argument("--version", type=int, help="the item version you looked at: a change since is a conflict")
    do.add_argument("--json", action="store_true", help="the result as JSON")
    do.set_defaults(run=lambda args: act_on(args.review_id, args.action, to=args.to, note=args.note,
                                            delta=args.delta, actor=args.actor, version=args.version,
                                            as_json=args.json))


def list_items(*, kind: str | None, source: str | None, reason: str | None, statuses: list[str] | None,
               assignee: str | None, limit: int, as_json: bool) -> int:
    from leadgate_dagster.cli.operator_files import engine_and_rules
    from leadgate_dagster.gate.review_read import ListFilter, list_queue

    engine, _ = engine_and_rules()
    found = list_queue(engine, ListFilter(kind=kind, source=source, reason=reason, assignee=assignee,
                                          statuses=tuple(statuses or ("open", "in_progress")), limit=limit))
    if as_json:
        print(json.dumps(found, default=str))
        return 0
    if not found:
        print("no review items match")
        return 0
    print(f"{'id':>8}  {'kind':<15} {'status':<11} {'priority':>8}  {'lead':<26} {'source':<10} "
          f"{'assignee':<14} reasons")
    for i in found:
        print(f"{i['review_id']:>8}  {i['kind']:<15} {i['status']:<11} {i['priority']:>8.2f}  {i['lead_id']:<26} "
              f"{i['source'] or '-':<10} {i['assignee'] or '-':<14} {','.join(i['reason_codes'])}")
    return 0


def show_item(review_id: int, *, as_json: bool) -> int:
    from leadgate_dagster.cli.operator_files import engine_and_rules
    from leadgate_dagster.gate.review_errors import ReviewNotFound
    from leadgate_dagster.gate.review_read import show_item as read

    engine, _ = engine_and_rules()
    try:
        item = read(engine, review_id)
    except ReviewNotFound as exc:
        print(f"leadgate review: {exc}", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps(item, default=str))
        return 0
    decisions = item.pop("decisions")
    width = max(len(k) for k in item)
    for key, value in item.items():
        if value is not None:
            print(f"{key:<{width}}  {_text(value)}")
    print("decisions:" if decisions else "decisions: none yet")
    for d in decisions:
        note = f"  ({d['note']})" if d["note"] else ""
        print(f"  {d['decided_at']}  {d['action']:<10} by {d['actor']}{note}")
    return 0


def act_on(review_id: int, action: str, *, to: str | None, note: str | None, delta: int | None, actor: str,
           version: int | None, as_json: bool) -> int:
    """Exit 0 done, 1 the item does not exist, 2 the request is invalid, 3 someone else was first."""
    from dataclasses import asdict

    from leadgate_dagster.cli.operator_files import engine_and_rules
    from leadgate_dagster.core.review.actions import ActionRequest
    from leadgate_dagster.gate.review_actions import ReviewConflict, ReviewInvalid, ReviewNotFound, act

    engine, rules = engine_and_rules()
    who = actor if ":" in actor else f"reviewer:{actor}"
    request = ActionRequest(Action(action), who, to=to, note=note, delta=delta, expected_version=version)
    try:
        result = act(engine, review_id, request, rules=rules)
    except ReviewNotFound as exc:
        return _refused(exc, 1)
    except ReviewInvalid as exc:
        return _refused(exc, 2)
    except ReviewConflict as exc:
        return _refused(exc, 3)
    if as_json:
        print(json.dumps(asdict(result)))
    else:
        change = f"; lead now {result.disposition}" if result.disposition_changed else ""
        print(f"review item {review_id}: {result.action} by {who} -> {result.status} (version {result.version})"
              f"{change}")
    return 0


def _refused(exc: Exception, code: int) -> int:
    print(f"leadgate review: {exc}", file=sys.stderr)
    return code


def _text(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
